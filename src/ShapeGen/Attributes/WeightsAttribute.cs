using System;

namespace ShapeGen;

/// <summary>
/// Not a layer: names the weight file the network is trained with, so the build checks it. With the file listed as
/// <c>&lt;AdditionalFiles Include="digits.safetensors" /&gt;</c>, ShapeGen reads its header (or array headers) at compile
/// time and reports a missing tensor or a shape that does not fit on the offending layer's attribute (SG0020).
/// Checked formats: <c>.safetensors</c>, <c>.npz</c>, <c>.bin</c> (size only). The path is matched against the end of
/// the AdditionalFiles paths.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class WeightsAttribute : Attribute
{
    /// <summary>Names the weight file.</summary>
    public WeightsAttribute(string path) => Path = path;

    /// <summary>The file, as listed in AdditionalFiles (a path relative to the project, or just the file name).</summary>
    public string Path { get; }

    /// <summary>The file is a PyTorch <c>state_dict</c> (safetensors): check it as <c>LoadPyTorch</c> would read it.</summary>
    public bool PyTorch { get; set; }

    /// <summary>
    /// Embed the file in the assembly: the network gets a parameterless constructor that loads it, so no file is
    /// needed at run time. Meant for small networks: files over 16 MiB are not embedded (SG0023).
    /// </summary>
    public bool Embed { get; set; }
}
