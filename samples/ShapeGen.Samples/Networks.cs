using ShapeGen;

namespace ShapeGen.Samples;

/// <summary>The Keras MNIST convnet: 93,322 parameters.</summary>
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.Relu)]
[Flatten]
[Dense(64, Activation = Activation.Relu)]
[Dense(10, Activation = Activation.Softmax)]
public partial class MnistConvNet;

/// <summary>6×6 input, 3×3 kernel, stride 2, valid: (6 - 3) / 2 + 1 = 2.5 — SG0002 in the build.</summary>
[Input(6, 6, 1)]
[Conv2D(1, 3, Stride = 2)]
public partial class HalfPixelDrop;
