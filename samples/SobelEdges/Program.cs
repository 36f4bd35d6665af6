using System;
using System.Globalization;
using ShapeGen.Samples.SobelEdges;

// The padding lesson: one Sobel filter, two paddings. The kernel responds to left-to-right brightness changes,
// so each vertical bar shows up as a positive edge (dark → bright) and a negative one (bright → dark).
const int Size = 10;
var image = new float[Size * Size];
for (int y = 0; y < Size; y++)
{
    image[y * Size + 2] = 1f; // a bar in column 2
    image[y * Size + 6] = 1f; // and a wider one in columns 6–7
    image[y * Size + 7] = 1f;
}

// Keras kernel layout [kh, kw, in, out] = [3, 3, 1, 1]: rows of the vertical-edge Sobel operator.
float[] sobel =
{
    -1f, 0f, 1f,
    -2f, 0f, 2f,
    -1f, 0f, 1f,
};

Print("Input 10×10 (two vertical bars)", image, Size, Size);

var valid = new float[SobelValid.OutputSize];
new SobelValid(sobel).Forward(image, valid);
Print($"Padding.Valid → {SobelValid.OutputShape[0]}×{SobelValid.OutputShape[1]}: (10 - 3) / 1 + 1 = 8; the border pixels are never a window centre", valid, SobelValid.OutputShape[0], SobelValid.OutputShape[1]);

var same = new float[SobelSame.OutputSize];
new SobelSame(sobel).Forward(image, same);
Print($"Padding.Same → {SobelSame.OutputShape[0]}×{SobelSame.OutputShape[1]}: one ring of zeros; the top and bottom rows see only two kernel rows (±3 instead of ±4)", same, SobelSame.OutputShape[0], SobelSame.OutputShape[1]);

static void Print(string title, float[] values, int height, int width)
{
    Console.WriteLine(title);
    for (int y = 0; y < height; y++)
    {
        Console.Write("   ");
        for (int x = 0; x < width; x++)
        {
            Console.Write(values[y * width + x].ToString("+0;-0;.", CultureInfo.InvariantCulture).PadLeft(4));
        }
        Console.WriteLine();
    }
    Console.WriteLine();
}
