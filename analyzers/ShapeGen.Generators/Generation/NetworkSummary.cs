using ShapeGen.Generators.Engine;
using ShapeGen.Generators.Generation.Forward;

namespace ShapeGen.Generators.Generation;

/// <summary>The summary table of a network that gets code: the engine's table plus the forward pass's activation memory.</summary>
internal static class NetworkSummary
{
    public static string Text(NetworkAnalysis network) => Text(network, ForwardPlanner.Plan(network));

    public static string Text(NetworkAnalysis network, ForwardPlan plan)
        => SummaryFormatter.Format(network, new ActivationMemory(plan.PeakWorkspaceFloats, plan.WorkspaceFloats));
}
