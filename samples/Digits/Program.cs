using System;
using System.IO;
using ShapeGen.Samples.Digits;
using ShapeGen.WeightFiles;

// Classifies the 540 test digits with the network declared in DigitsNet.cs and compares with PyTorch.
string dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
var data = DigitsData.Load(dataDirectory);

// The same weights in every format the loaders read: one call each.
var network = DigitsNet.Load(Path.Combine(dataDirectory, "weights.bin"));                       // raw float32, Keras order
var formats = new (string File, DigitsNet Network)[]
{
    ("weights.bin", network),
    ("weights.npz", DigitsNet.Load(Path.Combine(dataDirectory, "weights.npz"))),                 // NumPy, Keras names
    ("weights.safetensors", DigitsNet.Load(Path.Combine(dataDirectory, "weights.safetensors"))), // safetensors, Keras names
    // This PyTorch model permutes to channels-last before its Flatten (to match Keras), so its Linear needs no reordering.
    ("pytorch_state_dict.safetensors", DigitsNet.LoadPyTorch(Path.Combine(dataDirectory, "pytorch_state_dict.safetensors"),
        new() { Flatten = PyTorchFlatten.ChannelsLast })),
};

Console.WriteLine(DigitsNet.Summary);

var probabilities = new float[DigitsData.ImageCount * DigitsData.Classes];
network.Forward(data.Images, probabilities, DigitsData.ImageCount);

int correct = 0, agreeWithPyTorch = 0;
float largestDifference = 0;
for (int i = 0; i < DigitsData.ImageCount; i++)
{
    var ours = probabilities.AsSpan(i * DigitsData.Classes, DigitsData.Classes);
    var theirs = data.PyTorchProbabilities.AsSpan(i * DigitsData.Classes, DigitsData.Classes);
    int predicted = DigitsData.ArgMax(ours);
    if (predicted == data.Labels[i]) correct++;
    if (predicted == DigitsData.ArgMax(theirs)) agreeWithPyTorch++;
    for (int c = 0; c < DigitsData.Classes; c++) largestDifference = Math.Max(largestDifference, Math.Abs(ours[c] - theirs[c]));
}

Console.WriteLine($"Accuracy: {correct}/{DigitsData.ImageCount} = {100.0 * correct / DigitsData.ImageCount:F1}%");
Console.WriteLine($"Same prediction as PyTorch: {agreeWithPyTorch}/{DigitsData.ImageCount}; largest probability difference {largestDifference:E1}");
Console.WriteLine();

// Every weight format gives the same network.
foreach (var (file, loaded) in formats)
{
    var outputs = new float[DigitsData.ImageCount * DigitsData.Classes];
    loaded.Forward(data.Images, outputs, DigitsData.ImageCount);
    int right = 0;
    float difference = 0;
    for (int i = 0; i < DigitsData.ImageCount; i++)
    {
        if (DigitsData.ArgMax(outputs.AsSpan(i * DigitsData.Classes, DigitsData.Classes)) == data.Labels[i]) right++;
    }
    for (int k = 0; k < outputs.Length; k++) difference = Math.Max(difference, Math.Abs(outputs[k] - probabilities[k]));
    Console.WriteLine($"{file,-32} accuracy {right}/{DigitsData.ImageCount} = {100.0 * right / DigitsData.ImageCount:F1}%, largest difference from weights.bin {difference:E1}");
}
Console.WriteLine();

// A few test images as text, with what the network saw in them.
const string shades = " .:-=+*#%@";
var output = new float[DigitsNet.OutputSize];
for (int i = 0; i < 4; i++)
{
    network.Forward(data.Image(i), output);
    int predicted = DigitsData.ArgMax(output);
    Console.WriteLine($"Image {i}: label {data.Labels[i]}, predicted {predicted} ({output[predicted]:P1})");
    var pixels = data.Image(i);
    for (int y = 0; y < 8; y++)
    {
        var line = new char[16];
        for (int x = 0; x < 8; x++)
        {
            char shade = shades[(int)Math.Round(Math.Clamp(pixels[y * 8 + x], 0f, 1f) * (shades.Length - 1))];
            line[2 * x] = line[2 * x + 1] = shade;
        }
        Console.WriteLine("    " + new string(line));
    }
    Console.WriteLine();
}
