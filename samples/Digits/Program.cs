using System;
using System.IO;
using ShapeGen.Samples.Digits;

// Classifies the 540 test digits with the network declared in DigitsNet.cs and compares with PyTorch.
var data = DigitsData.Load(Path.Combine(AppContext.BaseDirectory, "data"));
var network = new DigitsNet(data.Weights);

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
