using System;

namespace ShapeGen.Generators.Generation.Forward;

/// <summary>
/// Writes a <see cref="WinogradStep"/>: the band loop with the input and output transforms, and a second method for
/// the 16 matrix products, which is the register-blocked chunk of the 1×1 convolution kernel over tiles instead of
/// pixels (<see cref="KernelEmitter.ConvolutionChunk"/>). Each output value is the same sequence of operations
/// whichever band or thread computes it, so splits never change a result.
/// </summary>
internal static class WinogradEmitter
{
    /// <summary>The products method's name, next to the step's own.</summary>
    public static string ProductsMethod(string stepMethod) => stepMethod + "Products";

    /// <summary>The body of the step method (its parameters: workspace, destination, weights, tileRowStart, tileRowEnd).</summary>
    public static void Write(SourceWriter w, WinogradStep s, VectorWidth v, string productsMethod)
    {
        Constants(w, ("InRow", s.InRow), ("Channels", s.Channels), ("OutW", s.OutW), ("Filters", s.Filters),
            ("PaddedFilters", s.PaddedFilters), ("TileRows", s.TileRows), ("TileColumns", s.TileColumns), ("Tiles", s.Tiles),
            ("BandRows", s.BandRows), ("Positions", WinogradStep.Positions), ("Lanes", v.Lanes),
            ("PlanePadding", WinogradStep.PlanePadding), ("InputRowSpacing", s.InputRowSpacing), ("ProductsRowSpacing", s.ProductsRowSpacing));
        w.Line($"ref float source = ref {KernelEmitter.At("workspace", ForwardEmitter.OffsetName(s.SourceBuffer))};");
        w.Line($"ref float transformed = ref {KernelEmitter.At("workspace", ForwardEmitter.OffsetName(Buffers.WinogradInput))};");
        w.Line($"ref float products = ref {KernelEmitter.At("workspace", ForwardEmitter.OffsetName(Buffers.WinogradProducts))};");
        w.Line($"ref float kernels = ref {KernelEmitter.At("weights", I(s.KernelOffset))};");
        w.Line($"ref float bias = ref {KernelEmitter.At("weights", I(s.BiasOffset))};");
        w.Line("global::System.Diagnostics.Debug.Assert(0 <= tileRowStart && tileRowStart <= tileRowEnd && tileRowEnd <= TileRows);");
        w.Line("// Bands of tile rows: a band's transformed tiles and products are still in L2 when the next phase reads them.");
        w.Open("for (int bandStart = tileRowStart; bandStart < tileRowEnd; bandStart += BandRows)");
        w.Line("int bandEnd = global::System.Math.Min(bandStart + BandRows, tileRowEnd);");
        w.Line("int bandTiles = (bandEnd - bandStart) * TileColumns;");
        w.Line("// The band's scratch, at its rows' fixed share of the buffers: 16 planes of its tiles each.");
        w.Line($"ref float bandInput = ref {KernelEmitter.At("transformed", "bandStart * InputRowSpacing")};");
        w.Line($"ref float bandProducts = ref {KernelEmitter.At("products", "bandStart * ProductsRowSpacing")};");
        w.Line("int inputPlane = bandTiles * Channels + PlanePadding;");
        w.Line("int productsPlane = bandTiles * Filters + PlanePadding;");
        InputTransform(w, v);
        w.Line("// The 16 products [tiles, Channels] × [Channels, Filters], one per position of the transformed tile.");
        w.Open("for (int position = 0; position < Positions; position++)");
        w.Line($"{productsMethod}(ref {KernelEmitter.At("bandInput", "position * inputPlane")}, ref {KernelEmitter.At("bandProducts", "position * productsPlane")},");
        w.Line($"    ref {KernelEmitter.At("kernels", "position * Channels * PaddedFilters")}, bandTiles);");
        w.Close();
        OutputTransform(w, s, v);
        w.Close();
    }

    /// <summary>
    /// <c>V = Bᵀ·d·B</c> for each 4×4 input tile <c>d</c> (tiles overlap by 2), <c>Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0],
    /// [0, −1, 1, 0], [0, 1, 0, −1]]</c>: row <c>i</c> of <c>Bᵀ·d</c> combines two input rows, then each row's four
    /// values give four positions. Position <c>4i + j</c> of tile <c>t</c> goes to <c>transformed[position][t]</c>.
    /// </summary>
    private static void InputTransform(SourceWriter w, VectorWidth v)
    {
        w.Line("// Input tiles: V = Bᵀ·d·B, additions only.");
        w.Open("for (int ty = bandStart; ty < bandEnd; ty++)");
        w.Open("for (int tx = 0; tx < TileColumns; tx++)");
        w.Line($"ref float d = ref {KernelEmitter.At("source", "(2 * ty * InRow + 2 * tx) * Channels")};");
        w.Line($"ref float tile = ref {KernelEmitter.At("bandInput", "((ty - bandStart) * TileColumns + tx) * Channels")};");
        w.Open("for (int c = 0; c < Channels; c += Lanes)");
        // Rows of Bᵀ·d: (d0 − d2, d1 + d2, d2 − d1, d1 − d3), each as the input rows it combines.
        var rows = new (int A, string Op, int B)[] { (0, "-", 2), (1, "+", 2), (2, "-", 1), (1, "-", 3) };
        for (int i = 0; i < 4; i++)
        {
            var (a, op, b) = rows[i];
            for (int j = 0; j < 4; j++)
            {
                w.Line($"var t{i}{j} = {KernelEmitter.Load(v, "d", $"({a} * InRow + {j}) * Channels + c")} {op} {KernelEmitter.Load(v, "d", $"({b} * InRow + {j}) * Channels + c")};");
            }
            string[] values = { $"t{i}0 - t{i}2", $"t{i}1 + t{i}2", $"t{i}2 - t{i}1", $"t{i}1 - t{i}3" };
            for (int j = 0; j < 4; j++)
            {
                w.Line(KernelEmitter.Store(v, values[j], "tile", $"{4 * i + j} * inputPlane + c"));
            }
        }
        w.Close();
        w.Close();
        w.Close();
    }

    /// <summary>
    /// <c>Y = Aᵀ·m·A</c> for each tile's 16 products <c>m</c>, <c>Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]</c>: the 2×2 outputs,
    /// plus the bias, through the activation, into the output (or its frame).
    /// </summary>
    private static void OutputTransform(SourceWriter w, WinogradStep s, VectorWidth v)
    {
        w.Line("// Output tiles: Y = Aᵀ·m·A, plus the bias.");
        w.Open("for (int ty = bandStart; ty < bandEnd; ty++)");
        w.Open("for (int tx = 0; tx < TileColumns; tx++)");
        bool oddH = s.OutH % 2 == 1, oddW = s.OutW % 2 == 1;
        w.Line($"ref float m = ref {KernelEmitter.At("bandProducts", "((ty - bandStart) * TileColumns + tx) * Filters")};");
        w.Line($"ref float top = ref {KernelEmitter.At("destination", KernelEmitter.OutputPixel(s, "2 * ty", "2 * tx", "Filters"))};");
        // An odd size: the last row (column) of tiles stores only its top (left) outputs; the others lie outside the output.
        if (oddH) w.Line($"bool hasBottom = 2 * ty + 1 < {I(s.OutH)};");
        if (oddW) w.Line($"bool hasRight = 2 * tx + 1 < {I(s.OutW)};");
        string bottomPixel = $"ref {KernelEmitter.At("destination", KernelEmitter.OutputPixel(s, "(2 * ty + 1)", "2 * tx", "Filters"))}";
        w.Line(oddH ? $"ref float bottom = ref hasBottom ? {bottomPixel} : ref top;" : $"ref float bottom = {bottomPixel};");
        w.Open("for (int f = 0; f < Filters; f += Lanes)");
        // Columns of Aᵀ·m: r0j = m0j + m1j + m2j, r1j = m1j − m2j − m3j.
        for (int j = 0; j < 4; j++)
        {
            for (int i = 0; i < 4; i++) w.Line($"var m{i}{j} = {KernelEmitter.Load(v, "m", $"{4 * i + j} * productsPlane + f")};");
            w.Line($"var r0{j} = m0{j} + m1{j} + m2{j};");
            w.Line($"var r1{j} = m1{j} - m2{j} - m3{j};");
        }
        w.Line($"var b = {KernelEmitter.Load(v, "bias", "f")};");
        for (int row = 0; row < 2; row++)
        {
            string target = row == 0 ? "top" : "bottom";
            string left = KernelEmitter.Store(v, KernelEmitter.Activate($"r{row}0 + r{row}1 + r{row}2 + b", s.Activation), target, "f");
            string right = KernelEmitter.Store(v, KernelEmitter.Activate($"r{row}1 - r{row}2 - r{row}3 + b", s.Activation), target, "Filters + f");
            if (row == 1 && oddH) w.Open("if (hasBottom)");
            w.Line(left);
            w.Line(oddW ? $"if (hasRight) {right}" : right);
            if (row == 1 && oddH) w.Close();
        }
        w.Close();
        w.Close();
        w.Close();
    }

    /// <summary>
    /// The products of one position for the band's <c>tileCount</c> tiles: the 1×1 convolution's register-blocked chunk
    /// with tiles as its pixels and accumulators starting at zero (the bias is added once, after the output transform).
    /// Tiles go in blocks of <see cref="TilesPerBlock"/>, then a few smaller blocks for the rest of the band.
    /// </summary>
    public static void WriteProducts(SourceWriter w, WinogradStep s, VectorWidth v, string name)
    {
        var gemm = Products(s, v);
        int vectors = Vectors(s, v);
        int tiles = TilesPerBlock(s, v);
        w.Line($"/// <summary>{CSharpLiterals.XmlEscape(s.LayerName)}: one position's products of a band of tiles (Winograd F(2×2, 3×3)).</summary>");
        w.Line(NetworkEmitter.GeneratedCodeAttribute);
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        w.Open($"private static void {name}(ref float transformed, ref float products, ref float kernel, int tileCount)");
        var body = new SourceWriter();
        Constants(body, ("InRow", gemm.InRow), ("Channels", gemm.Channels), ("Filters", gemm.Filters), ("RowStride", gemm.RowStride),
            ("KernelH", 1), ("KernelW", 1), ("StrideW", 1), ("DilationH", 1), ("DilationW", 1));
        body.Line("// Filters outermost: one chunk's weights stay close while every tile of the band passes.");
        body.Open($"for (int f0 = 0; f0 < Filters; f0 += {I(vectors * v.Lanes)})");
        body.Line("int first = 0;");
        body.Open($"for (; first <= tileCount - {I(tiles)}; first += {I(tiles)})");
        TileBlock(body, gemm, v, tiles, vectors);
        body.Close();
        // The rest (fewer than a block): halving blocks, so at most log2(block) more chunks.
        for (int rest = HighestPowerOfTwoBelow(tiles); rest >= 1; rest /= 2)
        {
            body.Open($"if (tileCount - first >= {I(rest)})");
            TileBlock(body, gemm, v, rest, vectors);
            body.Line($"first += {I(rest)};");
            body.Close();
        }
        body.Close();
        KernelEmitter.WriteWithoutUnusedConstants(w, body.ToString());
        w.Close();
        w.Line();
    }

    private static void TileBlock(SourceWriter w, ConvolutionStep gemm, VectorWidth v, int tiles, int vectors)
    {
        w.Line($"ref float input = ref {KernelEmitter.At("transformed", "first * Channels")};");
        w.Line($"ref float output = ref {KernelEmitter.At("products", "first * Filters")};");
        KernelEmitter.ConvolutionChunk(w, gemm, v, tiles, vectors, gemm.Filters, fromZero: true);
    }

    private static int HighestPowerOfTwoBelow(int value)
    {
        int power = 1;
        while (power * 2 < value) power *= 2;
        return power < value ? power : 0;
    }

    /// <summary>
    /// Filter vectors per products chunk: 4, as in the convolution kernel with 32 registers (Filters is a multiple of
    /// 64). The 16-register convolution tile (2 vectors × 6 tiles) was mixed here on Zen 3: three of CifarVgg's layers
    /// 3–7% faster, the 64- and 256-filter ones 2–4% slower (twice the chunks, each re-reading the band's tiles).
    /// </summary>
    private static int Vectors(WinogradStep s, VectorWidth v) => Math.Min(s.Filters / v.Lanes, 4);

    /// <summary>Tiles per register block: as many as the accumulator budget allows.</summary>
    public static int TilesPerBlock(WinogradStep s, VectorWidth v) => Math.Max(1, v.AccumulatorBudget / Vectors(s, v));

    /// <summary>
    /// Filters per weight block of each position's matrix for <paramref name="v"/>'s kernel: its chunk, so a chunk
    /// streams whole cache lines (as <see cref="KernelEmitter.ForWidth"/> for convolutions), or 0 for one matrix.
    /// </summary>
    public static int ChunkFilters(WinogradStep s, VectorWidth v) => s.FilterBlock > 0 ? Vectors(s, v) * v.Lanes : 0;

    /// <summary>One position's product as a 1×1 convolution, as <paramref name="v"/>'s kernel reads it: tiles are its pixels, the position's matrix its kernel.</summary>
    private static ConvolutionStep Products(WinogradStep s, VectorWidth v) => new(
        InRow: s.Tiles, Channels: s.Channels, OutH: 1, OutW: s.Tiles, Filters: s.Filters, PaddedFilters: s.PaddedFilters,
        KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, KernelOffset: 0, BiasOffset: 0)
    {
        FilterBlock = ChunkFilters(s, v),
    };

    private static string I(long value) => KernelEmitter.I(value);

    private static void Constants(SourceWriter w, params (string Name, long Value)[] constants) => KernelEmitter.Constants(w, constants);
}
