using System;
using System.Collections.Generic;
using System.IO;
using PureHDF;
using PureHDF.VOL.Native;

namespace ShapeGen.WeightFiles;

/// <summary>
/// A Keras 3 <c>.weights.h5</c> (<c>model.save_weights</c>), read with PureHDF. Keras 3's saving library
/// (<c>keras/src/saving/saving_lib.py</c>, <c>H5IOStore</c>) writes each layer of a Sequential or Functional model as
/// the group <c>layers/&lt;snake_case class name&gt;[_n]</c> (numbered per class, not by the layer's name) holding
/// datasets <c>vars/0</c>, <c>vars/1</c>, ... in the layer's variable order (trainable, then non-trainable: kernel,
/// bias; gamma, beta, moving_mean, moving_variance). Datasets outside <c>layers/</c> (the optimizer's state, the
/// model's own empty <c>vars</c>) are not weights and are ignored.
/// <para>
/// PureHDF is not a dependency of the ShapeGen package: add it to the application to read <c>.weights.h5</c>.
/// </para>
/// </summary>
internal sealed class KerasH5Source : WeightSource
{
    private readonly NativeFile _file;
    private readonly List<FoundTensor> _tensors = new();

    public KerasH5Source(Stream stream, string? fileName) : base(fileName)
    {
        _file = H5File.Open(stream, leaveOpen: true);
        try
        {
            Collect(_file, "", depth: 0);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public override string Format => "Keras .weights.h5";

    public override IReadOnlyList<FoundTensor> Tensors => _tensors;

    private void Collect(IH5Group group, string path, int depth)
    {
        // Keras nests a few levels (layers/<layer>/vars/<i>; nested models deeper); a cycle of links must not recurse forever.
        if (depth > 32) throw Corrupt($"groups are nested more than 32 deep at '{path}'.");
        foreach (var child in group.Children())
        {
            string name = path.Length == 0 ? child.Name : path + "/" + child.Name;
            switch (child)
            {
                case IH5Group inner:
                    Collect(inner, name, depth + 1);
                    break;
                case IH5Dataset dataset:
                {
                    var dims = dataset.Space.Dimensions;
                    var shape = new long[dims.Length];
                    for (int i = 0; i < dims.Length; i++)
                    {
                        if (dims[i] > int.MaxValue) throw Corrupt($"dataset '{name}' has a dimension of {dims[i]:N0}.", name);
                        shape[i] = (long)dims[i];
                    }
                    bool weight = name.StartsWith("layers/", StringComparison.Ordinal)
                                  || name.StartsWith("_layer_checkpoint_dependencies/", StringComparison.Ordinal);
                    _tensors.Add(new FoundTensor(name, DTypeOf(dataset), shape, dataset, ignorable: !weight));
                    break;
                }
            }
        }
    }

    private static string DTypeOf(IH5Dataset dataset)
    {
        var type = dataset.Type;
        return type.Class switch
        {
            H5DataTypeClass.FloatingPoint => type.Size switch
            {
                2 => WeightDTypes.Float16,
                4 => WeightDTypes.Float32,
                8 => WeightDTypes.Float64,
                _ => $"float{type.Size * 8}",
            },
            H5DataTypeClass.FixedPoint => $"int{type.Size * 8}",
            _ => type.Class.ToString(),
        };
    }

    public override void Read(FoundTensor tensor, Span<float> destination)
    {
        var dataset = (IH5Dataset)tensor.Locator!;
        switch (tensor.DType)
        {
            case WeightDTypes.Float32:
                dataset.Read<float[]>().AsSpan().CopyTo(destination);
                break;
            case WeightDTypes.Float64:
            {
                var values = dataset.Read<double[]>();
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)values[i];
                break;
            }
            case WeightDTypes.Float16:
            {
                var values = dataset.Read<Half[]>();
                for (int i = 0; i < destination.Length; i++) destination[i] = (float)values[i];
                break;
            }
            default:
                throw Corrupt($"dataset '{tensor.Name}' stores {tensor.DType}.", tensor.Name);
        }
    }

    public override void Dispose() => _file.Dispose();
}
