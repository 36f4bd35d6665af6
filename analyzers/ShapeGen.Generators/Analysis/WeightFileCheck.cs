using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.IO.Compression;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ShapeGen.Generators.Diagnostics;
using ShapeGen.Generators.Engine;
using ShapeGen.Generators.Parsing;
using ShapeGen.WeightFiles;

namespace ShapeGen.Generators.Analysis;

/// <summary>
/// [Weights("file")]: reads the weight file's header at compile time and reports, on the offending layer's
/// attribute, a tensor the file lacks or a shape that does not fit (SG0020). Reads only headers: the safetensors
/// JSON, the .npy headers inside an .npz, the length of a raw .bin. Matching is the runtime loaders' own code
/// (src/ShapeGen/WeightFiles/Matching), so the build and Load agree.
/// </summary>
internal static class WeightFileCheck
{
    private const long MaxHeaderBytes = 100_000_000;

    public static void Run(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<DeclaredLayer> layers, NetworkAnalysis analysis)
    {
        var attribute = WeightsAttributeReader.Find(type);
        var declared = WeightsAttributeReader.Read(type);
        if (attribute == null || declared == null) return;
        var attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? Location.None;

        var paths = new List<string>();
        foreach (var file in context.Options.AdditionalFiles) paths.Add(file.Path);
        var path = WeightsAttributeReader.Resolve(declared.Path, paths, out bool ambiguous);
        if (path == null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WeightFileNotListed, attributeLocation,
                $"[Weights(\"{declared.Path}\")] on '{type.Name}': no AdditionalFiles item ends with '{declared.Path}', so the build cannot check it" +
                (declared.Embed ? " or embed it" : "") + $". Add <AdditionalFiles Include=\"{declared.Path}\" /> to the project file."));
            return;
        }
        // Shape errors are reported already; matching weights against a broken network would only add noise.
        if (!analysis.IsValid) return;

        var tensors = WeightTensors.Of(analysis);
        string fileName = Path.GetFileName(path);
        try
        {
#pragma warning disable RS1035 // Roslyn gives AdditionalFiles only as text; weight files are binary, so read the file the compiler was pointed at.
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WeightFileNotListed, attributeLocation,
                    $"[Weights(\"{declared.Path}\")] on '{type.Name}': the AdditionalFiles item '{path}' does not exist."));
                return;
            }
            if (declared.Embed && info.Length > WeightsAttributeReader.MaxEmbeddedBytes)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WeightFileTooLargeToEmbed, attributeLocation,
                    $"{fileName} is {info.Length / (1024.0 * 1024.0):F1} MiB, more than the {WeightsAttributeReader.MaxEmbeddedBytes >> 20} MiB ShapeGen embeds: '{type.Name}' gets no parameterless constructor. Ship the file and call {type.Name}.Load(path), or embed it as an EmbeddedResource and call {type.Name}.Load(stream)."));
            }

            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".bin" or ".raw")
            {
                if (declared.PyTorch)
                {
                    Report(context, attributeLocation, DiagnosticDescriptors.WeightFileMismatch,
                        $"{fileName}: a raw float file has no tensor names, so it cannot be read as a PyTorch state_dict (PyTorch = true). Save the state_dict with safetensors.");
                    return;
                }
                CheckRawLength(context, attributeLocation, type, fileName, info.Length, tensors);
                return;
            }

            IReadOnlyList<FoundTensor> found;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                switch (extension)
                {
                    case ".safetensors":
                        found = ReadSafetensorsHeader(stream);
                        break;
                    case ".npz":
                        found = ReadNpzHeaders(stream);
                        break;
                    default:
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WeightFileUnreadable, attributeLocation,
                            $"{fileName}: ShapeGen checks .safetensors, .npz and .bin files at build time; this one is checked when {type.Name}.Load reads it."));
                        return;
                }
            }
#pragma warning restore RS1035

            var expected = new List<ExpectedTensor>();
            foreach (var t in tensors)
            {
                expected.Add(new ExpectedTensor(t.Layer, t.LayerType, t.Variable, t.Shape.ToArray(), t.Offset, t.StoragePath, t.VariableIndex,
                    t.FlattenedFrom.Count > 0 ? t.FlattenedFrom.ToArray() : null));
            }
            var plan = declared.PyTorch ? PyTorchMatcher.Match(expected, found, null) : KerasMatcher.Match(expected, found);
            foreach (var problem in plan.Problems)
            {
                var location = attributeLocation;
                if (problem.Layer != null)
                {
                    foreach (var t in tensors)
                    {
                        if (t.Layer != problem.Layer) continue;
                        location = layers[t.AttributeIndex].Attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? attributeLocation;
                        break;
                    }
                }
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WeightFileMismatch, location,
                    $"{fileName} does not fit '{type.Name}': {problem.Message}"));
            }
            if (ambiguous)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WeightFileNotListed, attributeLocation,
                    $"[Weights(\"{declared.Path}\")]: several AdditionalFiles items end with '{declared.Path}'; checked '{path}'. Give more of the path to pick one."));
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException or NotSupportedException or ArgumentException or OverflowException)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WeightFileUnreadable, attributeLocation,
                $"{fileName} cannot be read as a weight file: {e.Message}"));
        }
    }

    private static void Report(SymbolAnalysisContext context, Location location, DiagnosticDescriptor descriptor, string message)
        => context.ReportDiagnostic(Diagnostic.Create(descriptor, location, message));

    private static void CheckRawLength(SymbolAnalysisContext context, Location location, INamedTypeSymbol type, string fileName, long length,
        Common.EquatableArray<WeightTensor> tensors)
    {
        long parameters = 0;
        foreach (var t in tensors) parameters += t.Count;
        long needed = parameters * 4;
        if (length == needed) return;
        Report(context, location, DiagnosticDescriptors.WeightFileMismatch,
            $"{fileName} holds {length:N0} bytes, but '{type.Name}' has {parameters:N0} float32 parameters ({needed:N0} bytes, Keras get_weights() order){(length < needed ? "; the file is too short" : "; the file is too long")}: weights of another network?");
    }

    /// <summary>The tensor directory of a safetensors file, from its header alone.</summary>
    private static List<FoundTensor> ReadSafetensorsHeader(Stream stream)
    {
        long length = stream.Length;
        if (length < 8) throw new InvalidDataException($"{length} bytes is too short for a safetensors file.");
        var prefix = ReadExactly(stream, 8);
        ulong headerLength = BitConverter.ToUInt64(prefix, 0); // little-endian on every host Roslyn runs on
        if (headerLength > (ulong)(length - 8) || headerLength > MaxHeaderBytes)
            throw new InvalidDataException($"the safetensors header length {headerLength:N0} runs past the end of the file ({length:N0} bytes).");
        var header = Encoding.UTF8.GetString(ReadExactly(stream, (int)headerLength));
        if (MiniJson.Parse(header) is not Dictionary<string, object?> root) throw new InvalidDataException("the safetensors header is not a JSON object.");

        long dataLength = length - 8 - (long)headerLength;
        var found = new List<FoundTensor>();
        foreach (var pair in root)
        {
            if (pair.Key == "__metadata__") continue;
            if (pair.Value is not Dictionary<string, object?> entry
                || !entry.TryGetValue("dtype", out var dtype) || dtype is not string dtypeName
                || !entry.TryGetValue("shape", out var shapeValue) || shapeValue is not List<object?> shapeList)
                throw new InvalidDataException($"tensor '{pair.Key}': the header entry has no dtype or shape.");
            var shape = new long[shapeList.Count];
            for (int i = 0; i < shape.Length; i++)
            {
                if (shapeList[i] is not double d || d < 0 || d > int.MaxValue || d != Math.Floor(d))
                    throw new InvalidDataException($"tensor '{pair.Key}': shape entry {shapeList[i]} is not a dimension.");
                shape[i] = (long)d;
            }
            if (entry.TryGetValue("data_offsets", out var offsets) && offsets is List<object?> { Count: 2 } o
                && o[0] is double begin && o[1] is double end && (begin > end || end > dataLength))
                throw new InvalidDataException($"tensor '{pair.Key}': its data lies outside the file (truncated?).");
            found.Add(new FoundTensor(pair.Key, SafetensorsDType(dtypeName), shape));
        }
        return found;
    }

    private static string SafetensorsDType(string dtype) => dtype switch
    {
        "F64" => WeightDTypes.Float64,
        "F32" => WeightDTypes.Float32,
        "F16" => WeightDTypes.Float16,
        "BF16" => WeightDTypes.BFloat16,
        "I64" => "int64",
        "I32" => "int32",
        "I16" => "int16",
        "I8" => "int8",
        "U8" => "uint8",
        "BOOL" => "bool",
        _ => dtype,
    };

    /// <summary>The arrays of an .npz, from their .npy headers alone.</summary>
    private static List<FoundTensor> ReadNpzHeaders(Stream stream)
    {
        var found = new List<FoundTensor>();
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName.EndsWith("/", StringComparison.Ordinal)) continue;
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                throw new InvalidDataException($"entry '{entry.FullName}' is not a NumPy array (.npy).");
            string name = entry.FullName.Substring(0, entry.FullName.Length - 4);
            using var npy = entry.Open();
            var prefix = ReadExactly(npy, 10);
            if (prefix[0] != 0x93 || prefix[1] != 'N' || prefix[2] != 'U' || prefix[3] != 'M' || prefix[4] != 'P' || prefix[5] != 'Y')
                throw new InvalidDataException($"array '{name}' is not a .npy array.");
            long headerLength;
            if (prefix[6] == 1)
            {
                headerLength = prefix[8] | prefix[9] << 8;
            }
            else
            {
                var rest = ReadExactly(npy, 2);
                headerLength = (uint)(prefix[8] | prefix[9] << 8 | rest[0] << 16 | rest[1] << 24);
            }
            if (headerLength > 1 << 20) throw new InvalidDataException($"array '{name}': the .npy header is {headerLength:N0} bytes long.");
            var header = ReadExactly(npy, (int)headerLength);
            var text = prefix[6] == 3 ? Encoding.UTF8.GetString(header) : Latin1(header);
            var parsed = NpyHeader.Parse(text);
            found.Add(new FoundTensor(name, parsed.DType, parsed.Shape));
        }
        return found;
    }

    private static string Latin1(byte[] bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = (char)bytes[i];
        return new string(chars);
    }

    private static byte[] ReadExactly(Stream stream, int count)
    {
        var buffer = new byte[count];
        int done = 0;
        while (done < count)
        {
            int n = stream.Read(buffer, done, count - done);
            if (n == 0) throw new EndOfStreamException("the file ends early (truncated?).");
            done += n;
        }
        return buffer;
    }
}
