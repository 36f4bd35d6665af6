using BenchmarkDotNet.Attributes;

namespace ShapeGen.Benchmarks;

/// <summary>
/// Batch 1, one model per class: <c>ShapeGen</c> calls the generated <c>Forward(input, output)</c> on preallocated
/// arrays; <c>OnnxRuntime</c> (the baseline, so Ratio = ShapeGen / ORT) runs the same model's ONNX export
/// single-threaded into preallocated OrtValues. The category is the conformance case name.
/// </summary>
public abstract class ModelBenchmark
{
    private OrtRunner? _ort;
    protected float[] Input = [];
    protected float[] Output = [];

    protected abstract string Case { get; }
    protected abstract void CreateNetwork(float[] parameters);

    [GlobalSetup]
    public void Setup()
    {
        ModelData data = ModelData.Load(Models.Get(Case));
        Input = data.Input;
        Output = new float[data.ExpectedOutput.Length];
        CreateNetwork(data.Parameters);
        _ort = new OrtRunner(data.OnnxPath, data.InputShape, Input, Output);
    }

    [GlobalCleanup]
    public void Cleanup() => _ort?.Dispose();

    [Benchmark(Baseline = true)]
    public void OnnxRuntime() => _ort!.Run();
}

[BenchmarkCategory("sobel_valid")]
public class SobelValidBenchmark : ModelBenchmark
{
    private SobelValid _net = null!;
    protected override string Case => "sobel_valid";
    protected override void CreateNetwork(float[] parameters) => _net = new SobelValid(parameters);

    [Benchmark]
    public void ShapeGen() => _net.Forward(Input, Output);
}

[BenchmarkCategory("stride_padding_zoo")]
public class StridePaddingZooBenchmark : ModelBenchmark
{
    private StridePaddingZoo _net = null!;
    protected override string Case => "stride_padding_zoo";
    protected override void CreateNetwork(float[] parameters) => _net = new StridePaddingZoo(parameters);

    [Benchmark]
    public void ShapeGen() => _net.Forward(Input, Output);
}

[BenchmarkCategory("mobile_block")]
public class MobileBlockBenchmark : ModelBenchmark
{
    private MobileBlock _net = null!;
    protected override string Case => "mobile_block";
    protected override void CreateNetwork(float[] parameters) => _net = new MobileBlock(parameters);

    [Benchmark]
    public void ShapeGen() => _net.Forward(Input, Output);
}

[BenchmarkCategory("mnist_convnet")]
public class MnistConvNetBenchmark : ModelBenchmark
{
    private MnistConvNet _net = null!;
    protected override string Case => "mnist_convnet";
    protected override void CreateNetwork(float[] parameters) => _net = new MnistConvNet(parameters);

    [Benchmark]
    public void ShapeGen() => _net.Forward(Input, Output);
}

[BenchmarkCategory("mobilenet_96")]
public class MobileNet96Benchmark : ModelBenchmark
{
    private MobileNet96 _net = null!;
    protected override string Case => "mobilenet_96";
    protected override void CreateNetwork(float[] parameters) => _net = new MobileNet96(parameters);

    [Benchmark]
    public void ShapeGen() => _net.Forward(Input, Output);
}

[BenchmarkCategory("cifar_vgg")]
public class CifarVggBenchmark : ModelBenchmark
{
    private CifarVgg _net = null!;
    protected override string Case => "cifar_vgg";
    protected override void CreateNetwork(float[] parameters) => _net = new CifarVgg(parameters);

    [Benchmark]
    public void ShapeGen() => _net.Forward(Input, Output);
}
