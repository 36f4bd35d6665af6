namespace ShapeGen.Generators;

internal static class ThisAssembly
{
    /// <summary>Stamped into [GeneratedCode]; keep in step with Directory.Build.props.</summary>
    public const string Version = "0.1.0";
}
