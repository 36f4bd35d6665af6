using ShapeGen.Samples;

// The Keras MNIST convnet: the same table the build printed (93,322 parameters).
Console.WriteLine(MnistConvNet.Summary);

// A 6×6 input, 3×3 kernel, stride 2, valid padding: (6 - 3) / 2 + 1 = 2.5, so the last row and column are never
// read. The build reports SG0002 on its [Conv2D] attribute; that warning is intended.
Console.WriteLine(HalfPixelDrop.Summary);

// How padding and stride change the output size of a 3×3 convolution on 10×10.
Console.WriteLine(PaddingStrideTable.Render());
