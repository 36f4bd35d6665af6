namespace ShapeGen.Benchmarks;

/// <summary>Before any timing: every ShapeGen network and every ONNX Runtime session must reproduce output.bin.</summary>
public static class Verification
{
    public const float RelativeTolerance = 1e-4f;
    public const float AbsoluteTolerance = 1e-5f;

    /// <summary>Checks all models; prints one line each and throws if any disagrees with the oracle.</summary>
    public static void VerifyAll(TextWriter log)
    {
        var failures = new List<string>();
        foreach (ModelInfo info in Models.All)
        {
            ModelData data = ModelData.Load(info);

            var shapeGen = new float[info.OutputSize];
            info.Create(data.Parameters)(data.Input, shapeGen);
            float shapeGenError = MaxError(shapeGen, data.ExpectedOutput, out string? shapeGenFailure);

            var ort = new float[info.OutputSize];
            var input = (float[])data.Input.Clone();
            using (var runner = new OrtRunner(data.OnnxPath, data.InputShape, input, ort))
                runner.Run();
            float ortError = MaxError(ort, data.ExpectedOutput, out string? ortFailure);

            log.WriteLine($"verify {info.Case,-20} ShapeGen max |err| {shapeGenError:0.00e+00}   ONNX Runtime max |err| {ortError:0.00e+00}   {(shapeGenFailure is null && ortFailure is null ? "ok" : "MISMATCH")}");
            if (shapeGenFailure is not null) failures.Add($"{info.Case}: ShapeGen {info.ClassName} {shapeGenFailure}");
            if (ortFailure is not null) failures.Add($"{info.Case}: ONNX Runtime {ortFailure}");
        }

        if (failures.Count > 0)
            throw new InvalidOperationException("Outputs disagree with output.bin; not benchmarking:\n  " + string.Join("\n  ", failures));
    }

    /// <summary>The largest absolute difference; <paramref name="failure"/> names the first element outside the tolerance.</summary>
    public static float MaxError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, out string? failure)
    {
        failure = null;
        float max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(actual[i] - expected[i]);
            if (float.IsNaN(diff)) diff = float.PositiveInfinity;
            max = MathF.Max(max, diff);
            if (failure is null && !(diff <= AbsoluteTolerance + RelativeTolerance * MathF.Abs(expected[i])))
                failure = $"output[{i}] = {actual[i]:R}, expected {expected[i]:R} (|diff| {diff:0.00e+00})";
        }
        return max;
    }
}
