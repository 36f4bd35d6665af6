using ShapeGen;

namespace ShapeGen.Weights.Tests;

/// <summary>The digits sample's network (Data/digits.json): trained with PyTorch, weights in every format under Data/.</summary>
[Input(8, 8, 1)]
[Conv2D(16, 3, Padding.Same, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(32, 3, Padding.Same, Activation = Activation.Relu)]
[Flatten]
[Dense(10, Activation = Activation.Softmax)]
public partial class DigitsNet;

/// <summary>47 parameters, for the fuzz tests: small files, so every truncation offset can be tried.</summary>
[Input(4, 4, 1)]
[Conv2D(2, 3)]
[Flatten]
[Dense(3)]
public partial class TinyNet;

/// <summary>Every layer kind with weights, to check the Weights list and the PyTorch conversions.</summary>
[Input(6, 6, 2)]
[Conv2D(4, 3, Padding.Same)]
[BatchNormalization]
[DepthwiseConv2D(3, Padding.Same, DepthMultiplier = 2)]
[SeparableConv2D(3, 3, Padding.Same, DepthMultiplier = 2)]
[Conv2DTranspose(2, 2, Stride = 2)]
[Flatten]
[Dense(5)]
public partial class ZooNet;
