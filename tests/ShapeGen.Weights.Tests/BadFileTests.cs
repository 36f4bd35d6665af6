using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ShapeGen.WeightFiles;

namespace ShapeGen.Weights.Tests;

/// <summary>Files that do not fit, or are not what they claim: a clear WeightFileException, never a half-loaded network.</summary>
public class BadFileTests
{
    private static WeightFileException Fails(byte[] file, string name) => Assert.Throws<WeightFileException>(() => DigitsNet.Load(new MemoryStream(file), name));

    [Fact]
    public void Wrong_shape_names_the_tensor_both_shapes_and_the_axis()
    {
        var tensors = TestData.DigitsTensors();
        tensors["conv2d/kernel"] = (new[] { 3, 3, 3, 16 }, new float[3 * 3 * 3 * 16]);
        var e = Fails(Writers.Safetensors(tensors), "digits.safetensors");
        Assert.Contains("digits.safetensors does not fit DigitsNet", e.Message);
        Assert.Contains("conv2d/kernel: the network needs [3, 3, 1, 16], the file has [3, 3, 3, 16] — the file expects 3 input channels, the layer receives 1", e.Message);
        Assert.Equal("conv2d/kernel", e.Tensor);
        Assert.Equal("digits.safetensors", e.FileName);
    }

    [Fact]
    public void Dense_mismatch_explains_input_features()
    {
        var tensors = TestData.DigitsTensors();
        tensors["dense/kernel"] = (new[] { 256, 10 }, new float[2560]);
        var e = Fails(Writers.Npz(tensors), "weights.npz");
        Assert.Contains("dense/kernel: the network needs [512, 10], the file has [256, 10] — the file expects 256 input features, the layer receives 512 (flattened from 4×4×32)", e.Message);
    }

    [Fact]
    public void Missing_and_extra_tensors_are_all_listed()
    {
        var tensors = TestData.DigitsTensors();
        tensors.Remove("conv2d_1/bias");
        tensors["dense_1/kernel"] = (new[] { 10, 10 }, new float[100]);
        var e = Fails(Writers.Safetensors(tensors), "w.safetensors");
        Assert.Contains("conv2d_1/bias: the file has no tensor 'conv2d_1/bias' (shape [32])", e.Message);
        Assert.Contains("the file holds a tensor the network does not have: 'dense_1/kernel'", e.Message);
        Assert.Equal(2, e.Problems.Count);
    }

    [Fact]
    public void PyTorch_file_given_to_Load_says_use_LoadPyTorch()
    {
        var e = Assert.Throws<WeightFileException>(() => DigitsNet.Load(TestData.File("pytorch_state_dict.safetensors")));
        Assert.Contains("look like a PyTorch state_dict: load it with LoadPyTorch", e.Message);
    }

    [Fact]
    public void PyTorch_layout_under_Keras_names_says_use_LoadPyTorch()
    {
        var tensors = TestData.DigitsTensors();
        tensors["conv2d/kernel"] = (new[] { 16, 1, 3, 3 }, new float[144]);
        var e = Fails(Writers.Safetensors(tensors), "w.safetensors");
        Assert.Contains("laid out as PyTorch stores them: load the file with LoadPyTorch", e.Message);
    }

    [Fact]
    public void Keras_file_given_to_LoadPyTorch_fails_with_the_shapes()
    {
        var e = Assert.Throws<WeightFileException>(() => DigitsNet.LoadPyTorch(TestData.File("weights.safetensors")));
        Assert.Contains("PyTorch", e.Message);
    }

    [Fact]
    public void PyTorch_mismatch_names_module_tensor_and_both_layouts()
    {
        var file = Writers.Safetensors(new[]
        {
            ("c1.weight", "F32", new long[] { 16, 3, 3, 3 }, new byte[16 * 27 * 4]),
            ("c1.bias", "F32", new long[] { 16 }, new byte[64]),
            ("c2.weight", "F32", new long[] { 32, 16, 3, 3 }, new byte[32 * 144 * 4]),
            ("c2.bias", "F32", new long[] { 32 }, new byte[128]),
            ("fc.weight", "F32", new long[] { 10, 512 }, new byte[5120 * 4]),
            ("fc.bias", "F32", new long[] { 10 }, new byte[40]),
        });
        var e = Assert.Throws<WeightFileException>(() => DigitsNet.LoadPyTorch(new MemoryStream(file)));
        Assert.Contains("conv2d/kernel (file tensor 'c1.weight'): the network needs [16, 1, 3, 3] (PyTorch's [out, in, kh, kw]), the file has [16, 3, 3, 3] — the file expects 3 input channels, the layer receives 1", e.Message);
    }

    [Fact]
    public void PyTorch_modules_that_do_not_sort_in_order_need_the_mapping()
    {
        // 'z1' sorts after 'fc': the default pairing fails on the shapes, the explicit one works.
        var source = TestData.Bytes("pytorch_state_dict.safetensors");
        var renamed = System.Text.Encoding.UTF8.GetString(source, 8, BitConverter.ToInt32(source, 0)).Replace("\"c1.", "\"z1.");
        var file = source.ToArray();
        System.Text.Encoding.UTF8.GetBytes(renamed).CopyTo(file, 8);
        Assert.Throws<WeightFileException>(() => DigitsNet.LoadPyTorch(new MemoryStream(file)));
        var options = new PyTorchLoadOptions { Flatten = PyTorchFlatten.ChannelsLast, ModuleNames = new Dictionary<string, string> { ["conv2d"] = "z1" } };
        var outputs = TestData.Classify(DigitsNet.LoadPyTorch(new MemoryStream(file), options));
        Assert.Equal(527, TestData.Correct(outputs));
    }

    [Fact]
    public void Mapping_to_an_unknown_module_or_layer_is_reported()
    {
        var options = new PyTorchLoadOptions { ModuleNames = new Dictionary<string, string> { ["conv2d"] = "nope", ["conv9"] = "c1" } };
        var e = Assert.Throws<WeightFileException>(() => DigitsNet.LoadPyTorch(TestData.File("pytorch_state_dict.safetensors"), options));
        Assert.Contains("PyTorch module 'nope', which the file does not have", e.Message);
        Assert.Contains("names layer 'conv9'", e.Message);
    }

    [Fact]
    public void Wrong_dtype_is_named_with_what_is_accepted()
    {
        var e = Assert.Throws<WeightFileException>(() => DigitsNet.Load(TestData.File("weights_int32.npz")));
        Assert.Contains("the file stores int32; ShapeGen reads float32 (float16, bfloat16 and float64 are converted to float32)", e.Message);
    }

    [Fact]
    public void Raw_file_of_the_wrong_length_says_where_it_ends()
    {
        var bytes = TestData.Bytes("weights.bin");
        var e = Fails(bytes[..20000], "weights.bin");
        Assert.Contains("20,000 bytes hold 5,000 float32 values, but the network has 9,930 parameters", e.Message);
        Assert.Contains("the data ends inside 'dense/kernel' [512, 10], after 200 of its 5,120 values", e.Message);
        var longer = Fails(bytes.Concat(new byte[8]).ToArray(), "weights.bin");
        Assert.Contains("8 more than the network's 9,930 float32 parameters", longer.Message);
    }

    [Fact]
    public void NaN_weights_are_refused()
    {
        var floats = TestData.Floats("weights.bin");
        floats[150] = float.NaN;
        var e = Fails(MemoryMarshal.AsBytes(floats.AsSpan()).ToArray(), "weights.bin");
        Assert.Contains("conv2d/bias holds NaN at element 6", e.Message);
    }

    [Fact]
    public void Safetensors_header_length_beyond_the_file()
    {
        var file = TestData.Bytes("weights.safetensors");
        BitConverter.GetBytes((ulong)file.Length).CopyTo(file, 0);
        Assert.Contains("beyond the end of the file", Fails(file, "w.safetensors").Message);
        BitConverter.GetBytes(ulong.MaxValue).CopyTo(file, 0);
        Assert.Contains("beyond the end of the file", Fails(file, "w.safetensors").Message);
    }

    [Fact]
    public void Safetensors_truncated_data_and_absurd_shapes()
    {
        var file = TestData.Bytes("weights.safetensors");
        Assert.Contains("lies outside the file's", Fails(file[..^100], "w.safetensors").Message);

        var huge = Writers.Safetensors(new[] { ("conv2d/kernel", "F32", new long[] { 2_000_000_000, 2_000_000_000, 2_000_000_000 }, new byte[16]) });
        Assert.Contains("too large", Fails(huge, "huge.safetensors").Message);
        var lying = Writers.Safetensors(new[] { ("conv2d/kernel", "F32", new long[] { 1_000_000_000 }, new byte[16]) });
        Assert.Contains("takes 4,000,000,000 bytes, but its data_offsets span 16", Fails(lying, "lying.safetensors").Message);
    }

    [Fact]
    public void Safetensors_header_that_is_not_json()
    {
        var file = TestData.Bytes("weights.safetensors");
        file[8] = (byte)'x';
        Assert.Contains("not valid JSON", Fails(file, "w.safetensors").Message);
    }

    [Fact]
    public void Npz_with_a_lying_array_header()
    {
        var file = Writers.Npz(new[] { ("conv2d/kernel", "<f4", new[] { 100000, 100000 }, new byte[16]) });
        Assert.Contains("takes 40,000,000,000 bytes, but the array holds 16 after its header (truncated?)", Fails(file, "w.npz").Message);
    }

    [Fact]
    public void Npz_that_is_not_a_zip()
    {
        var e = Fails(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0 }, "w.npz");
        Assert.Contains("cannot be read as a NumPy .npz (zip) archive", e.Message);
    }

    [Fact]
    public void PyTorch_pickle_is_refused_with_the_way_out()
    {
        var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            zip.CreateEntry("archive/data.pkl");
        var e = Assert.Throws<WeightFileException>(() => DigitsNet.LoadPyTorch(new MemoryStream(stream.ToArray()), fileName: "model.pt"));
        Assert.Contains("safetensors.torch.save_file", e.Message);
    }

    [Fact]
    public void Missing_file_is_FileNotFoundException()
        => Assert.Throws<FileNotFoundException>(() => DigitsNet.Load(TestData.File("no-such-file.safetensors")));
}
