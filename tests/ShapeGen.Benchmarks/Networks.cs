using ShapeGen;

namespace ShapeGen.Benchmarks;

// The six benchmark models, declared from tests/ShapeGen.Benchmarks/Models/<case>/spec.json.

/// <summary>sobel_valid: one 3×3 filter without bias on a 10×10 image.</summary>
[Input(10, 10, 1)]
[Conv2D(1, 3, UseBias = false)]
public sealed partial class SobelValid;

/// <summary>stride_padding_zoo: same padding with strides, strided same pooling, asymmetric zero padding, a 2×1 kernel.</summary>
[Input(20, 10, 1)]
[Conv2D(4, 4, Padding.Same)]
[Conv2D(4, 4, Padding.Same, Stride = 3)]
[MaxPooling2D(2, Padding.Same, Stride = 3)]
[ZeroPadding2D(1, 0, 0, 1)]
[Conv2D(3, 2, 1, Activation = Activation.Tanh)]
[Flatten]
[Dense(5, Activation = Activation.Sigmoid)]
public sealed partial class StridePaddingZoo;

/// <summary>mobile_block: conv + batch norm + relu6, depthwise, separable, depthwise ×2, batch norm, global pooling, dense.</summary>
[Input(32, 32, 3)]
[Conv2D(16, 3, Padding.Same, Stride = 2, UseBias = false)]
[BatchNormalization]
[Activation(Activation.Relu6)]
[DepthwiseConv2D(3, Padding.Same, Activation = Activation.Relu)]
[SeparableConv2D(32, 3, Padding.Same, Stride = 2, Activation = Activation.Relu)]
[DepthwiseConv2D(3, DepthMultiplier = 2)]
[BatchNormalization(Epsilon = 0.001)]
[GlobalAveragePooling2D]
[Dropout(0.2)]
[Dense(10, Activation = Activation.Softmax)]
public sealed partial class MobileBlock;

// The Keras MNIST convnet pools an 11×11 map with 2×2 windows and drops its last row and column, as Keras does.
#pragma warning disable SG0002
/// <summary>mnist_convnet: the Keras MNIST convnet, 93,322 parameters.</summary>
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(64, 3, Activation = Activation.Relu)]
[Flatten]
[Dense(64, Activation = Activation.Relu)]
[Dense(10, Activation = Activation.Softmax)]
public sealed partial class MnistConvNet;
#pragma warning restore SG0002

/// <summary>mobilenet_96: a MobileNet-style stem and three depthwise-separable blocks on a 96×96 RGB image.</summary>
[Input(96, 96, 3)]
[Conv2D(32, 3, Padding.Same, Stride = 2, UseBias = false)]
[BatchNormalization]
[ReLU]
[DepthwiseConv2D(3, Padding.Same, UseBias = false)]
[BatchNormalization]
[ReLU]
[Conv2D(64, 1, UseBias = false)]
[BatchNormalization]
[ReLU]
[DepthwiseConv2D(3, Padding.Same, Stride = 2, UseBias = false)]
[BatchNormalization]
[ReLU]
[Conv2D(128, 1, UseBias = false)]
[BatchNormalization]
[ReLU]
[DepthwiseConv2D(3, Padding.Same, Stride = 2, UseBias = false)]
[BatchNormalization]
[ReLU]
[Conv2D(256, 1, UseBias = false)]
[BatchNormalization]
[ReLU]
[GlobalAveragePooling2D]
[Dense(10, Activation = Activation.Softmax)]
public sealed partial class MobileNet96;

/// <summary>cifar_vgg: a VGG-style stack of six 3×3 same convolutions on 32×32 RGB, 2.2 million parameters.</summary>
[Input(32, 32, 3)]
[Conv2D(64, 3, Padding.Same, Activation = Activation.Relu)]
[Conv2D(64, 3, Padding.Same, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(128, 3, Padding.Same, Activation = Activation.Relu)]
[Conv2D(128, 3, Padding.Same, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Conv2D(256, 3, Padding.Same, Activation = Activation.Relu)]
[Conv2D(256, 3, Padding.Same, Activation = Activation.Relu)]
[MaxPooling2D(2)]
[Flatten]
[Dense(256, Activation = Activation.Relu)]
[Dense(10, Activation = Activation.Softmax)]
public sealed partial class CifarVgg;
