using ShapeGen;

namespace ShapeGen.Samples.Digits;

/// <summary>
/// A small CNN trained with PyTorch on scikit-learn's 8×8 handwritten digits (97.6% on the 540 test images).
/// PyTorch's Conv2d(padding=1) is Keras's 'same' for a 3×3 kernel; the weights were exported in Keras order.
/// [Weights] makes the build check the weight file (listed as AdditionalFiles in Digits.csproj) against the layers.
/// </summary>
[Weights("data/weights.safetensors")]
[Input(8, 8, 1)]
[Conv2D(16, 3, Padding.Same, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(32, 3, Padding.Same, Activation = Activation.Relu)]
[Flatten]
[Dense(10, Activation = Activation.Softmax)]
public partial class DigitsNet;
