using ShapeGen;

namespace ShapeGen.Samples.Graphs;

/// <summary>
/// A two-level U-Net in the original paper's style: valid 3×3 convolutions, 2×2 max pooling down, 2×2 transposed
/// convolutions up, and skip connections that crop the contracting path's feature map to the expanding path's size
/// before concatenating. A 44×44 input makes every crop whole: 40×40 is cropped by 16 to meet 8×8, 16×16 by 4.
/// </summary>
[Input(44, 44, 1)]
[Conv2D(8, 3, Activation = Activation.Relu, Name = "d1a")]
[Conv2D(8, 3, Activation = Activation.Relu, Name = "d1b")]
[MaxPooling2D(2, Name = "pool1")]
[Conv2D(16, 3, Activation = Activation.Relu, Name = "d2a")]
[Conv2D(16, 3, Activation = Activation.Relu, Name = "d2b")]
[MaxPooling2D(2, Name = "pool2")]
[Conv2D(32, 3, Activation = Activation.Relu, Name = "ba")]
[Conv2D(32, 3, Activation = Activation.Relu, Name = "bb")]
[Conv2DTranspose(16, 2, Stride = 2, Name = "up2")]
[Cropping2D(4, Name = "crop2", From = "d2b")]
[Concatenate("crop2", "up2", Name = "cat2")]
[Conv2D(16, 3, Activation = Activation.Relu, Name = "u2a")]
[Conv2D(16, 3, Activation = Activation.Relu, Name = "u2b")]
[Conv2DTranspose(8, 2, Stride = 2, Name = "up1")]
[Cropping2D(16, Name = "crop1", From = "d1b")]
[Concatenate("crop1", "up1", Name = "cat1")]
[Conv2D(8, 3, Activation = Activation.Relu, Name = "u1a")]
[Conv2D(8, 3, Activation = Activation.Relu, Name = "u1b")]
[Conv2D(2, 1, Activation = Activation.Softmax, Name = "head")]
public partial class UNetSmall;
