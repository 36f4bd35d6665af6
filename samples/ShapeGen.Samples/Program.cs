using ShapeGen.Samples;

Console.WriteLine(MnistConvNet.Summary);
Console.WriteLine(HalfPixelDrop.Summary);
