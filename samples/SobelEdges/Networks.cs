using ShapeGen;

namespace ShapeGen.Samples.SobelEdges;

/// <summary>Valid padding: the 3×3 window stays inside the image, so a 10×10 image gives 8×8.</summary>
[Input(10, 10, 1)]
[Conv2D(1, 3, UseBias = false)]
public partial class SobelValid;

/// <summary>Same padding: one ring of zeros around the image keeps it 10×10.</summary>
[Input(10, 10, 1)]
[Conv2D(1, 3, Padding.Same, UseBias = false)]
public partial class SobelSame;
