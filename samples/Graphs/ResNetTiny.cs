using ShapeGen;

namespace ShapeGen.Samples.Graphs;

/// <summary>
/// Two residual blocks: the first adds its input back unchanged (identity shortcut); the second halves the
/// resolution and doubles the channels, so its shortcut is projected by a strided 1×1 convolution to match.
/// </summary>
[Input(16, 16, 3)]
[Conv2D(16, 3, Padding.Same, Activation = Activation.Relu, Name = "stem")]
[Conv2D(16, 3, Padding.Same, UseBias = false, Name = "b1_conv1")]
[BatchNormalization(Name = "b1_bn1")]
[ReLU(Name = "b1_relu1")]
[Conv2D(16, 3, Padding.Same, UseBias = false, Name = "b1_conv2")]
[BatchNormalization(Name = "b1_bn2")]
[Add("b1_bn2", "stem", Name = "b1_add")]
[ReLU(Name = "b1_out")]
[Conv2D(32, 3, Padding.Same, Stride = 2, Activation = Activation.Relu, Name = "b2_conv1")]
[Conv2D(32, 3, Padding.Same, Name = "b2_conv2")]
[Conv2D(32, 1, Stride = 2, Name = "b2_proj", From = "b1_out")]
[Add("b2_conv2", "b2_proj", Name = "b2_add")]
[ReLU(Name = "b2_out")]
[GlobalAveragePooling2D(Name = "gap")]
[Dense(10, Activation = Activation.Softmax, Name = "logits")]
public partial class ResNetTiny;
