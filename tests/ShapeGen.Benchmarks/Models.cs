using System.Text.Json;
using ShapeGen;

namespace ShapeGen.Benchmarks;

/// <summary>One sample through a ShapeGen network.</summary>
public delegate void ForwardPass(ReadOnlySpan<float> input, Span<float> output);

/// <summary>A benchmark model: its conformance case folder, its ShapeGen class and that class's constants.</summary>
public sealed record ModelInfo(
    string Case,
    string ClassName,
    Func<float[], ForwardPass> Create,
    int InputSize,
    int OutputSize,
    long ParameterCount,
    long MultiplyAdds,
    IReadOnlyList<LayerInfo> Layers)
{
    /// <summary>The copy of the case under the build output (nothing reads the shared folder at run time).</summary>
    public string Directory => Path.Combine(AppContext.BaseDirectory, "Models", Case);
}

/// <summary>The six models, in the order the tables list them (smallest first).</summary>
public static class Models
{
    public static readonly IReadOnlyList<ModelInfo> All =
    [
        new("sobel_valid", nameof(SobelValid), p => new SobelValid(p).Forward,
            SobelValid.InputSize, SobelValid.OutputSize, SobelValid.ParameterCount, SobelValid.MultiplyAddCount, SobelValid.Layers),
        new("stride_padding_zoo", nameof(StridePaddingZoo), p => new StridePaddingZoo(p).Forward,
            StridePaddingZoo.InputSize, StridePaddingZoo.OutputSize, StridePaddingZoo.ParameterCount, StridePaddingZoo.MultiplyAddCount, StridePaddingZoo.Layers),
        new("mobile_block", nameof(MobileBlock), p => new MobileBlock(p).Forward,
            MobileBlock.InputSize, MobileBlock.OutputSize, MobileBlock.ParameterCount, MobileBlock.MultiplyAddCount, MobileBlock.Layers),
        new("mnist_convnet", nameof(MnistConvNet), p => new MnistConvNet(p).Forward,
            MnistConvNet.InputSize, MnistConvNet.OutputSize, MnistConvNet.ParameterCount, MnistConvNet.MultiplyAddCount, MnistConvNet.Layers),
        new("mobilenet_96", nameof(MobileNet96), p => new MobileNet96(p).Forward,
            MobileNet96.InputSize, MobileNet96.OutputSize, MobileNet96.ParameterCount, MobileNet96.MultiplyAddCount, MobileNet96.Layers),
        new("cifar_vgg", nameof(CifarVgg), p => new CifarVgg(p).Forward,
            CifarVgg.InputSize, CifarVgg.OutputSize, CifarVgg.ParameterCount, CifarVgg.MultiplyAddCount, CifarVgg.Layers),
    ];

    public static ModelInfo Get(string caseName) =>
        All.FirstOrDefault(m => m.Case == caseName) ?? throw new ArgumentException($"No benchmark model '{caseName}'.");
}

/// <summary>A case's files: Keras-order parameters, the input sample, the oracle's output, the Keras input shape.</summary>
public sealed class ModelData
{
    public required ModelInfo Info { get; init; }
    public required float[] Parameters { get; init; }
    public required float[] Input { get; init; }
    public required float[] ExpectedOutput { get; init; }
    public required int[] InputShape { get; init; }
    public string OnnxPath => Path.Combine(Info.Directory, "model.onnx");

    public static ModelData Load(ModelInfo info)
    {
        string dir = info.Directory;
        if (!System.IO.Directory.Exists(dir))
            throw new DirectoryNotFoundException($"{dir} is missing: the Models folder is copied to the build output.");
        using JsonDocument spec = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "spec.json")));
        var data = new ModelData
        {
            Info = info,
            // The oracle writes TF.js getWeights() order (all trainable arrays first); the constructors take Keras order.
            Parameters = WeightOrder.FromTensorFlowJs(ReadFloats(Path.Combine(dir, "weights.bin")), info.Layers),
            Input = ReadFloats(Path.Combine(dir, "input.bin")),
            ExpectedOutput = ReadFloats(Path.Combine(dir, "output.bin")),
            InputShape = spec.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
        };
        Check(data.Parameters.Length == info.ParameterCount, $"{info.Case}: {data.Parameters.Length} weights, {info.ClassName}.ParameterCount is {info.ParameterCount}");
        Check(data.Input.Length == info.InputSize, $"{info.Case}: input.bin has {data.Input.Length} floats, {info.ClassName}.InputSize is {info.InputSize}");
        Check(data.ExpectedOutput.Length == info.OutputSize, $"{info.Case}: output.bin has {data.ExpectedOutput.Length} floats, {info.ClassName}.OutputSize is {info.OutputSize}");
        return data;
    }

    /// <summary>Raw float32 little-endian.</summary>
    public static float[] ReadFloats(string path) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new InvalidDataException(message);
    }
}
