using ShapeGen.Tests.Infrastructure;

namespace ShapeGen.Tests.Generation;

/// <summary>
/// NetworkCompiler can run the generated forward pass (for numeric tests against the oracle later): a few networks
/// whose outputs follow from the Keras definitions by hand.
/// </summary>
public sealed class RunnerTests
{
    [Fact]
    public void Runs_generated_networks_on_hand_computed_cases()
    {
        using var compiled = NetworkCompiler.Compile(new[]
        {
            NetworkSource.Class("Run", "Affine", new[] { "[Input(3)]", "[Dense(2)]" }),
            NetworkSource.Class("Run", "Identity", new[] { "[Input(2, 2)]" }),
            NetworkSource.Class("Run", "Sum3x3", new[] { "[Input(4, 4, 1)]", "[Conv2D(1, 3, UseBias = false)]" }),
        }, "ShapeGen.Runners", withRunners: true);

        // Dense: kernel [in, units] row-major, then bias. x = (1, 2, 3):
        // unit 0 = 1·1 + 2·3 + 3·5 + 0.5 = 22.5; unit 1 = 1·2 + 2·4 + 3·6 - 1 = 27.
        var affine = compiled["Run.Affine"];
        var dense = affine.Create(new float[] { 1, 2, 3, 4, 5, 6, 0.5f, -1 });
        Assert.Equal(new[] { 22.5f, 27f }, affine.Forward(dense, new float[] { 1, 2, 3 }));
        // Two samples back to back give each sample's own result.
        Assert.Equal(new[] { 22.5f, 27f, 0.5f, -1f }, affine.Forward(dense, new float[] { 1, 2, 3, 0, 0, 0 }, batch: 2));

        var identity = compiled["Run.Identity"];
        Assert.Equal(new[] { 1f, -2f, 3f, 4.5f }, identity.Forward(identity.Create(Array.Empty<float>()), new[] { 1f, -2f, 3f, 4.5f }));

        // A 3×3 kernel of ones, valid: each output is the sum of a 3×3 window of 0..15 (row-major 4×4).
        var sum = compiled["Run.Sum3x3"];
        var ones = Enumerable.Repeat(1f, 9).ToArray();
        var input = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        // Window at (0,0): 0+1+2+4+5+6+8+9+10 = 45; each step right adds 3, each step down adds 12.
        Assert.Equal(new[] { 45f, 54f, 81f, 90f }, sum.Forward(sum.Create(ones), input));
    }

    [Fact]
    public void Wrong_lengths_throw_ArgumentException()
    {
        using var compiled = NetworkCompiler.Compile(new[] { NetworkSource.Class("Run", "Affine", new[] { "[Input(3)]", "[Dense(2)]" }) },
            "ShapeGen.Runners2", withRunners: true);
        var affine = compiled["Run.Affine"];
        Assert.Throws<ArgumentException>(() => affine.Create(new float[7]));
        var network = affine.Create(new float[8]);
        Assert.Throws<ArgumentException>(() => affine.Forward(network, new float[4]));
    }
}
