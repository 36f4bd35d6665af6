using System;
using System.Collections.Generic;

namespace ShapeGen;

/// <summary>Converts weight files written in other orders to the Keras <c>get_weights()</c> order the constructors take.</summary>
public static class WeightOrder
{
    /// <summary>
    /// TensorFlow.js's <c>model.getWeights()</c> lists every layer's trainable arrays first and the non-trainable ones
    /// (BatchNormalization's moving mean and variance) after them all; Keras lists each layer's arrays together.
    /// Within a layer the trainable arrays come first in both, so the layers' parameter counts are enough to reorder.
    /// </summary>
    /// <param name="weights">The weights in TF.js order.</param>
    /// <param name="layers">The network's layers, e.g. <c>MyNet.Layers</c>.</param>
    /// <exception cref="ArgumentException">The length does not match the layers' parameter count.</exception>
    public static float[] FromTensorFlowJs(ReadOnlySpan<float> weights, IReadOnlyList<LayerInfo> layers)
    {
        if (layers is null) throw new ArgumentNullException(nameof(layers));
        long total = 0, trainable = 0;
        foreach (var layer in layers)
        {
            total += layer.Parameters;
            trainable += layer.TrainableParameters;
        }
        if (weights.Length != total)
            throw new ArgumentException($"The network has {total:N0} parameters, but {weights.Length:N0} weights were given.", nameof(weights));

        var keras = new float[total];
        int front = 0, back = (int)trainable, written = 0;
        foreach (var layer in layers)
        {
            int trainableCount = (int)layer.TrainableParameters, frozenCount = (int)(layer.Parameters - layer.TrainableParameters);
            weights.Slice(front, trainableCount).CopyTo(keras.AsSpan(written));
            written += trainableCount;
            front += trainableCount;
            weights.Slice(back, frozenCount).CopyTo(keras.AsSpan(written));
            written += frozenCount;
            back += frozenCount;
        }
        return keras;
    }
}
