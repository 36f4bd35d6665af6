namespace ShapeGen.Tests.Infrastructure;

/// <summary>Random weights for a network in Keras <c>get_weights()</c> order, for tests against a reference.</summary>
public static class RandomWeights
{
    /// <summary>
    /// Uniform weights in ±0.5 × <paramref name="scale"/>, except BatchNormalization's moving variances, which must be
    /// positive (drawn again in [0.5, 1.5)).
    /// </summary>
    public static float[] For(IReadOnlyList<LayerInfo> layers, long count, Random random, float scale = 1f)
    {
        var weights = new float[count];
        int offset = 0;
        foreach (var layer in layers)
        {
            for (int i = 0; i < layer.Parameters; i++) weights[offset + i] = (float)(random.NextDouble() - 0.5) * scale;
            if (layer.Type == "BatchNormalization")
            {
                int channels = (int)(layer.Parameters / 4);
                for (int i = 0; i < channels; i++) weights[offset + 3 * channels + i] = (float)(0.5 + random.NextDouble());
            }
            offset += (int)layer.Parameters;
        }
        return weights;
    }
}
