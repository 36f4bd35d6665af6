using System.Text;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>Compares a generated network with the oracle's summary, listing every difference at once.</summary>
public static class SummaryAssert
{
    public static void Matches(ReferenceSummary expected, CompiledNetwork actual)
    {
        var problems = new List<string>();
        void Check<T>(string what, T want, T got)
        {
            if (!EqualityComparer<T>.Default.Equals(want, got)) problems.Add($"{what}: expected {want}, got {got}");
        }
        void CheckShape(string what, int[] want, IEnumerable<int> got)
        {
            var gotArray = got.ToArray();
            if (!want.SequenceEqual(gotArray)) problems.Add($"{what}: expected ({string.Join(", ", want)}), got ({string.Join(", ", gotArray)})");
        }

        CheckShape("input shape", expected.Input, actual.InputShape);
        Check("InputSize", expected.Input.Aggregate(1, (a, b) => a * b), actual.InputSize);
        Check("layer count", expected.Layers.Count, actual.Layers.Count);
        for (int i = 0; i < Math.Min(expected.Layers.Count, actual.Layers.Count); i++)
        {
            var want = expected.Layers[i];
            // Graph models are listed in TF.js's topological order: pair the layers by (explicit) name instead.
            var got = expected.IsGraph ? actual.Layers.FirstOrDefault(l => l.Name == want.Name) : actual.Layers[i];
            if (got == null)
            {
                problems.Add($"layer '{want.Name}' is missing");
                continue;
            }
            if (expected.IsGraph) Check($"layer {want.Name} inputs", string.Join(", ", want.Inbound), string.Join(", ", got.Inputs));
            string at = $"layer {i} ({want.Name})";
            Check(at + " name", KerasNames.FromTfjs(want.Name, want.Type), got.Name);
            Check(at + " type", want.Type, got.Type);
            CheckShape(at + " output shape", want.OutputShape, got.OutputShape);
            Check(at + " params", want.Params, got.Parameters);
            Check(at + " trainable params", want.Trainable, got.TrainableParameters);
        }
        Check("ParameterCount", expected.TotalParams, actual.ParameterCount);
        Check("TrainableParameterCount", expected.TrainableParams, actual.TrainableParameterCount);
        Check("non-trainable parameters", expected.NonTrainableParams, actual.ParameterCount - actual.TrainableParameterCount);
        CheckShape("OutputShape", expected.OutputShape, actual.OutputShape);
        Check("OutputSize", expected.OutputShape.Aggregate(1, (a, b) => a * b), actual.OutputSize);

        if (problems.Count == 0) return;
        var message = new StringBuilder($"{expected.Name}: {problems.Count} difference(s) from the reference summary:\n");
        foreach (var problem in problems) message.Append("  ").Append(problem).Append('\n');
        message.Append("Generated layers:\n");
        foreach (var layer in actual.Layers) message.Append("  ").Append(layer).Append('\n');
        Assert.Fail(message.ToString());
    }
}
