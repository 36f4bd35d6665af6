using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Microsoft.ML.OnnxRuntime;

namespace ShapeGen.Benchmarks;

/// <summary>One line that says what the numbers were measured on.</summary>
public static class MachineInfo
{
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string Simd()
    {
        var parts = new List<string>
        {
            $"Vector512 hardware-accelerated: {(Vector512.IsHardwareAccelerated ? "yes" : "no")}",
            $"Vector256: {(Vector256.IsHardwareAccelerated ? "yes" : "no")}",
        };
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
            parts.Add($"AVX-512F {(Avx512F.IsSupported ? "yes" : "no")}, AVX2 {(Avx2.IsSupported ? "yes" : "no")}, FMA {(Fma.IsSupported ? "yes" : "no")}");
        return string.Join(", ", parts);
    }

    public static string OrtVersion()
    {
        try { return OrtEnv.Instance().GetVersionString(); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or OnnxRuntimeException) { return "unavailable"; }
    }

    /// <summary>CPU, cores, OS, .NET, SIMD and ONNX Runtime version.</summary>
    public static string Describe() =>
        $"{CpuModel()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.OSArchitecture}; " +
        $"{RuntimeInformation.FrameworkDescription}; {Simd()}; ONNX Runtime {OrtVersion()} (CPU, 1 intra-op thread)";
}
