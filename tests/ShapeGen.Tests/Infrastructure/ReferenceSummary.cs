using System.Text.Json;
using System.Text.RegularExpressions;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>Test data copied next to the test assembly (CopyToOutputDirectory); never read from outside the repository.</summary>
public static class TestData
{
    public static string Root => AppContext.BaseDirectory;

    public static string PathOf(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());

    public static JsonElement ReadJson(params string[] parts)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathOf(parts)));
        return document.RootElement.Clone();
    }
}

/// <summary>One layer row of the oracle's summary.json.</summary>
/// <summary>One layer row of the oracle's summary.json; <see cref="Inbound"/> lists a graph model's "Connected to" names.</summary>
public sealed record ReferenceLayer(string Name, string Type, int[] OutputShape, long Params, long Trainable, string[] Inbound);

/// <summary>The oracle's (TF.js) summary of a model: what Keras's model.summary() shows.</summary>
public sealed record ReferenceSummary(
    string Name,
    int[] Input,
    IReadOnlyList<ReferenceLayer> Layers,
    long TotalParams,
    long TrainableParams,
    long NonTrainableParams,
    int[] OutputShape)
{
    /// <summary>A functional (graph) model: TF.js lists its layers in its own topological order, so compare by name.</summary>
    public bool IsGraph => Layers.Select((l, i) => l.Inbound.Length > 1 || (i > 0 && l.Inbound.Length == 1 && l.Inbound[0] != Layers[i - 1].Name)).Any(x => x);

    public static ReferenceSummary From(JsonElement summary) => new(
        summary.GetProperty("name").GetString()!,
        Ints(summary.GetProperty("input")),
        summary.GetProperty("layers").EnumerateArray().Select(l => new ReferenceLayer(
            l.GetProperty("name").GetString()!,
            l.GetProperty("type").GetString()!,
            Ints(l.GetProperty("outputShape")),
            l.GetProperty("params").GetInt64(),
            l.GetProperty("trainable").GetInt64(),
            l.TryGetProperty("inbound", out var inbound) ? inbound.EnumerateArray().Select(e => e.GetString()!).ToArray() : Array.Empty<string>())).ToList(),
        summary.GetProperty("totalParams").GetInt64(),
        summary.GetProperty("trainableParams").GetInt64(),
        summary.GetProperty("nonTrainableParams").GetInt64(),
        Ints(summary.GetProperty("outputShape")));

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}

/// <summary>TF.js layer names to the Keras 3 default names the engine uses.</summary>
public static class KerasNames
{
    /// <summary>
    /// TF.js names the n-th layer of class <c>C</c> <c>{stem}_{C}{n}</c> (n from 1): <c>conv2d_Conv2D2</c>.
    /// Keras 3 names it <c>{stem}</c> for n = 1, else <c>{stem}_{n-1}</c>: <c>conv2d_1</c>. Any other name
    /// (explicitly given) is returned as is.
    /// </summary>
    public static string FromTfjs(string tfjsName, string type)
    {
        var match = Regex.Match(tfjsName, "^(?<stem>[a-z0-9_]+)_" + Regex.Escape(type) + "(?<n>[1-9][0-9]*)$");
        if (!match.Success) return tfjsName;
        int n = int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
        string stem = match.Groups["stem"].Value;
        return n == 1 ? stem : $"{stem}_{n - 1}";
    }
}
