using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;

namespace ShapeGen.WeightFiles;

/// <summary>The containers the loaders read.</summary>
public enum WeightFileFormat
{
    /// <summary>From the file name's extension, else from the first bytes.</summary>
    Auto,

    /// <summary>Raw float32 little-endian, Keras <c>get_weights()</c> order (<c>.bin</c>).</summary>
    Raw,

    /// <summary>NumPy <c>.npz</c>.</summary>
    Npz,

    /// <summary><c>.safetensors</c>.</summary>
    Safetensors,

    /// <summary>Keras 3 <c>.weights.h5</c> (needs the PureHDF package in the application).</summary>
    KerasH5,
}

/// <summary>
/// Reads the parameters of a network whose weights were saved from Keras: <c>.bin</c> (raw float32, Keras order),
/// <c>.npz</c> (arrays named <c>layer/variable</c> such as <c>conv2d/kernel</c>, or <c>arr_0</c>, <c>arr_1</c>, ... in Keras
/// order), <c>.safetensors</c> (Keras names) and Keras 3 <c>.weights.h5</c>. Generated networks call it from their
/// <c>Load</c> methods; <c>weights</c> is the network's <c>Weights</c> list.
/// </summary>
public static class KerasWeights
{
    /// <summary>The parameters in Keras <c>get_weights()</c> order, ready for the network's constructor.</summary>
    /// <exception cref="WeightFileException">The file does not fit the network, or cannot be read as its format.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static float[] Read(string path, IReadOnlyList<WeightInfo> weights, string? network = null)
    {
        using var stream = File.OpenRead(path);
        return WeightLoader.Load(stream, path, WeightFileFormat.Auto, weights, network, pyTorch: false, options: null);
    }

    /// <inheritdoc cref="Read(string, IReadOnlyList{WeightInfo}, string)"/>
    /// <param name="stream">The file's bytes; read from its current position's start (a non-seekable stream is copied first).</param>
    /// <param name="weights">The network's <c>Weights</c>.</param>
    /// <param name="fileName">For messages, and to tell the format by its extension.</param>
    /// <param name="format">The container, or <see cref="WeightFileFormat.Auto"/> to tell it from the name or the first bytes.</param>
    /// <param name="network">The network's name, for messages.</param>
    public static float[] Read(Stream stream, IReadOnlyList<WeightInfo> weights, string? fileName = null,
        WeightFileFormat format = WeightFileFormat.Auto, string? network = null)
        => WeightLoader.Load(stream, fileName, format, weights, network, pyTorch: false, options: null);
}

/// <summary>How a PyTorch model flattened the feature map before its first Linear.</summary>
public enum PyTorchFlatten
{
    /// <summary>
    /// <c>nn.Flatten()</c> on an NCHW tensor, PyTorch's usual way: features in <c>(C, H, W)</c> order. The Linear's
    /// weight columns are reordered to Keras's <c>(H, W, C)</c>.
    /// </summary>
    ChannelsFirst,

    /// <summary>
    /// The model permutes to NHWC before flattening (<c>x.permute(0, 2, 3, 1).flatten(1)</c>), as models written to
    /// match Keras do: features already in <c>(H, W, C)</c> order, the Linear weight is only transposed.
    /// </summary>
    ChannelsLast,
}

/// <summary>Options of the PyTorch loader.</summary>
public sealed class PyTorchLoadOptions
{
    /// <summary>
    /// Keras layer name → PyTorch module (the tensor names without <c>.weight</c>/<c>.bias</c>), for the layers whose
    /// modules do not sort in the network's order; <c>"dw,pw"</c> for a SeparableConv2D. Layers left out take the remaining
    /// modules in natural order. Example: <c>{ ["conv2d"] = "c1", ["conv2d_1"] = "c2", ["dense"] = "fc" }</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ModuleNames { get; init; }

    /// <summary>How the model flattened before its first Linear (default <see cref="PyTorchFlatten.ChannelsFirst"/>, <c>nn.Flatten</c> on NCHW).</summary>
    public PyTorchFlatten Flatten { get; init; }
}

/// <summary>
/// Reads a PyTorch <c>state_dict</c> saved as safetensors (<c>safetensors.torch.save_file(model.state_dict(), path)</c>;
/// an <c>.npz</c> of the state_dict works too) into Keras order: Conv weights <c>[out, in, kh, kw]</c> → <c>[kh, kw, in, out]</c>,
/// Linear <c>[out, in]</c> → <c>[in, out]</c>, the first Linear after a Flatten reordered from PyTorch's channels-first
/// <c>(C, H, W)</c> flattening to Keras's <c>(H, W, C)</c> (see <see cref="PyTorchLoadOptions.Flatten"/>), BatchNorm
/// weight/bias/running_mean/running_var → gamma/beta/moving_mean/moving_variance (<c>num_batches_tracked</c> ignored; mind
/// that PyTorch's default eps is 1e-5, Keras's 1e-3), grouped (depthwise) Conv2d <c>[in·m, 1, kh, kw]</c> →
/// <c>[kh, kw, in, m]</c>, ConvTranspose2d <c>[in, out, kh, kw]</c> → <c>[kh, kw, out, in]</c>.
/// <para>
/// Name mapping: a module is a tensor name without its last part (<c>features.0.weight</c> → <c>features.0</c>). By default
/// the modules are taken in natural order of their names (<c>conv1</c> … <c>conv10</c>, <c>features.0</c>, <c>features.3</c>,
/// <c>fc</c>) and paired in order with the network's layers that have weights; a SeparableConv2D takes two modules (depthwise
/// with bias=False, then pointwise). When the names do not sort in the network's order, give
/// <see cref="PyTorchLoadOptions.ModuleNames"/>. Every shape is checked, so a wrong pairing fails with the shapes involved.
/// </para>
/// </summary>
public static class PyTorchWeights
{
    /// <summary>The parameters in Keras <c>get_weights()</c> order, ready for the network's constructor.</summary>
    /// <exception cref="WeightFileException">The file does not fit the network, or cannot be read.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static float[] Read(string path, IReadOnlyList<WeightInfo> weights, PyTorchLoadOptions? options = null, string? network = null)
    {
        using var stream = File.OpenRead(path);
        return WeightLoader.Load(stream, path, WeightFileFormat.Auto, weights, network, pyTorch: true, options);
    }

    /// <inheritdoc cref="Read(string, IReadOnlyList{WeightInfo}, PyTorchLoadOptions, string)"/>
    public static float[] Read(Stream stream, IReadOnlyList<WeightInfo> weights, PyTorchLoadOptions? options = null,
        string? fileName = null, string? network = null)
        => WeightLoader.Load(stream, fileName, WeightFileFormat.Auto, weights, network, pyTorch: true, options);
}

internal static class WeightLoader
{
    private static readonly byte[] Hdf5Signature = { 0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n' };

    public static float[] Load(Stream stream, string? fileName, WeightFileFormat format, IReadOnlyList<WeightInfo> weights,
        string? network, bool pyTorch, PyTorchLoadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(weights);
        var expected = Expected(weights, out long total);

        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        else
        {
            stream.Position = 0;
        }

        if (format == WeightFileFormat.Auto) format = Detect(stream, fileName);
        if (format == WeightFileFormat.Raw)
        {
            if (pyTorch)
                throw new WeightFileException(fileName, null, new[] { "a raw float file has no tensor names, so it cannot be a PyTorch state_dict; save the state_dict with safetensors.torch.save_file(model.state_dict(), path)." });
            return ReadRaw(stream, fileName, expected, total, network);
        }

        using var source = Open(format, stream, fileName);
        var plan = pyTorch
            ? PyTorchMatcher.Match(expected, source.Tensors, options?.ModuleNames, options?.Flatten == PyTorchFlatten.ChannelsLast)
            : KerasMatcher.Match(expected, source.Tensors);
        if (!plan.IsValid)
        {
            var messages = new List<string>();
            foreach (var problem in plan.Problems) messages.Add(problem.Message);
            throw new WeightFileException(fileName, plan.Problems[0].Tensor, messages, network: network);
        }

        var parameters = new float[total];
        foreach (var assignment in plan.Assignments)
        {
            var destination = parameters.AsSpan((int)assignment.Expected.Offset, (int)assignment.Expected.Count);
            try
            {
                if (assignment.Permutation == null)
                {
                    source.Read(assignment.Found, destination);
                }
                else
                {
                    var stored = new float[destination.Length];
                    source.Read(assignment.Found, stored);
                    TensorLayout.Permute(stored, assignment.SourceShape!, assignment.Permutation, destination);
                }
            }
            catch (Exception e) when (IsFileError(e))
            {
                string what = e is EndOfStreamException ? "its data ends early (truncated file)" : $"its data cannot be read ({e.GetType().Name}: {e.Message})";
                throw new WeightFileException(fileName, assignment.Found.Name, new[] { $"tensor '{assignment.Found.Name}': {what}." }, e);
            }
            CheckFinite(fileName, assignment.Expected, destination);
        }
        return parameters;
    }

    private static List<ExpectedTensor> Expected(IReadOnlyList<WeightInfo> weights, out long total)
    {
        var expected = new List<ExpectedTensor>(weights.Count);
        total = 0;
        foreach (var w in weights)
        {
            if (w.Offset != total) throw new ArgumentException($"Weight '{w.Name}' starts at {w.Offset}, not at {total}: the list is not in parameter order.", nameof(weights));
            var shape = new int[w.Shape.Count];
            for (int i = 0; i < shape.Length; i++) shape[i] = w.Shape[i];
            int[]? flattened = null;
            if (w.FlattenedFrom != null)
            {
                flattened = new int[w.FlattenedFrom.Count];
                for (int i = 0; i < flattened.Length; i++) flattened[i] = w.FlattenedFrom[i];
            }
            expected.Add(new ExpectedTensor(w.Layer, w.LayerType, w.Variable, shape, w.Offset, w.StoragePath, w.VariableIndex, flattened));
            total += w.Count;
        }
        if (total > Array.MaxLength) throw new ArgumentException($"{total:N0} parameters do not fit in one array.", nameof(weights));
        return expected;
    }

    /// <summary>By extension, else by the first bytes: zip → npz, HDF5 signature → .weights.h5, a plausible header length then '{' → safetensors.</summary>
    private static WeightFileFormat Detect(Stream stream, string? fileName)
    {
        string name = fileName ?? "";
        if (name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".raw", StringComparison.OrdinalIgnoreCase)) return WeightFileFormat.Raw;
        if (name.EndsWith(".npz", StringComparison.OrdinalIgnoreCase)) return WeightFileFormat.Npz;
        if (name.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return WeightFileFormat.Safetensors;
        if (name.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase)) return WeightFileFormat.KerasH5;

        Span<byte> head = stackalloc byte[9];
        int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (got >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5) return WeightFileFormat.Npz;
        if (got >= 8 && head.Slice(0, 8).SequenceEqual(Hdf5Signature)) return WeightFileFormat.KerasH5;
        // A header length, then '{'. Not checked against the file length: a truncated safetensors file must be
        // reported as one, not read as raw floats. (Raw weights never start with a float near 1e-35, then 0.0.)
        if (got == 9 && head[8] == '{' && BinaryPrimitives.ReadUInt64LittleEndian(head) <= SafetensorsSource.MaxHeaderBytes) return WeightFileFormat.Safetensors;
        return WeightFileFormat.Raw;
    }

    private static WeightSource Open(WeightFileFormat format, Stream stream, string? fileName)
    {
        try
        {
            return format switch
            {
                WeightFileFormat.Npz => new NpzSource(stream, fileName),
                WeightFileFormat.Safetensors => new SafetensorsSource(stream, fileName),
                WeightFileFormat.KerasH5 => OpenH5(stream, fileName),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a container format."),
            };
        }
        catch (Exception e) when (IsFileError(e))
        {
            string what = format switch
            {
                WeightFileFormat.Npz => "a NumPy .npz (zip) archive",
                WeightFileFormat.Safetensors => "a safetensors file",
                _ => "an HDF5 file",
            };
            string detail = e is EndOfStreamException ? "it ends early (truncated file)" : $"{e.GetType().Name}: {e.Message}";
            throw new WeightFileException(fileName, null, new[] { $"cannot be read as {what}: {detail}" }, e);
        }
    }

    /// <summary>In its own method so that PureHDF is loaded only for .h5 files; applications that read none need not ship it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeightSource OpenH5(Stream stream, string? fileName)
    {
        try
        {
            return CreateH5(stream, fileName);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException && e.Message.Contains("PureHDF", StringComparison.Ordinal))
        {
            throw new NotSupportedException(
                "Reading Keras .weights.h5 files needs the PureHDF library, which ShapeGen does not bring along: add it to the application with 'dotnet add package PureHDF'.", e);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeightSource CreateH5(Stream stream, string? fileName) => new KerasH5Source(stream, fileName);

    /// <summary>Exceptions that mean "this file is not what it claims"; everything else (out of memory, a missing library) passes through.</summary>
    private static bool IsFileError(Exception e)
    {
        switch (e)
        {
            case WeightFileException:
            case OutOfMemoryException:
            case InsufficientExecutionStackException:
            case OperationCanceledException:
            case FileNotFoundException:
            case FileLoadException:
            case DirectoryNotFoundException:
            case UnauthorizedAccessException:
                return false;
            case NotSupportedException when e.Message.Contains("PureHDF", StringComparison.Ordinal):
                return false;
            default:
                return true;
        }
    }

    private static float[] ReadRaw(Stream stream, string? fileName, List<ExpectedTensor> expected, long total, string? network)
    {
        long length = stream.Length;
        long needed = total * sizeof(float);
        if (length != needed)
        {
            string problem;
            if (length < needed)
            {
                long floats = length / sizeof(float);
                string where = "";
                foreach (var tensor in expected)
                {
                    if (floats < tensor.Offset + tensor.Count)
                    {
                        where = $"; the data ends inside '{tensor.Name}' {WeightText.Shape(tensor.Shape)}, after {floats - tensor.Offset:N0} of its {tensor.Count:N0} values";
                        break;
                    }
                }
                problem = $"{length:N0} bytes hold {floats:N0} float32 values{(length % sizeof(float) != 0 ? " and a partial one" : "")}, but the network has {total:N0} parameters ({needed:N0} bytes){where} (truncated file, or weights of another network).";
            }
            else
            {
                problem = $"{length:N0} bytes are {length - needed:N0} more than the network's {total:N0} float32 parameters ({needed:N0} bytes): weights of another network?";
            }
            throw new WeightFileException(fileName, null, new[] { problem }, network: network);
        }

        var parameters = new float[total];
        stream.Position = 0;
        ElementReader.Read(stream, WeightDTypes.Float32, bigEndian: false, parameters);
        foreach (var tensor in expected)
        {
            CheckFinite(fileName, tensor, parameters.AsSpan((int)tensor.Offset, (int)tensor.Count));
        }
        return parameters;
    }

    /// <summary>A NaN or infinity is a training failure or a corrupt file, never a usable weight.</summary>
    private static void CheckFinite(string? fileName, ExpectedTensor tensor, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsFinite(values[i])) continue;
            throw new WeightFileException(fileName, tensor.Name, new[]
            {
                $"{tensor.Name} holds {values[i]} at element {i:N0} of {WeightText.Shape(tensor.Shape)}; weights must be finite (a diverged training run, or a corrupt file).",
            });
        }
    }
}
