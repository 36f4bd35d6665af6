using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ShapeGen.Generators.Engine;

/// <summary>
/// The Keras 3 <c>model.summary()</c> table, plus the columns Keras lacks: multiply-adds per layer, and in the
/// footer the total multiply-adds and the largest activation.
/// </summary>
internal static class SummaryFormatter
{
    private static readonly string[] Headers = { "Layer (type)", "Output Shape", "Param #", "Mult-Adds" };
    // Keras 3 pads its columns to at least these widths.
    private static readonly int[] MinimumWidths = { 31, 22, 13, 13 };

    /// <param name="network">The analysed network.</param>
    /// <param name="memory">The forward pass's buffer plan, when code is generated: reported in the footer.</param>
    public static string Format(NetworkAnalysis network, ActivationMemory? memory = null)
    {
        // Functional (graph) models: Keras lists the input layer and a "Connected to" column.
        bool graph = network.IsGraph;
        var headers = graph ? Headers.Concat(new[] { "Connected to" }).ToArray() : Headers;
        var minimums = graph ? MinimumWidths.Concat(new[] { 17 }).ToArray() : MinimumWidths;
        var rows = network.Layers.Select(l => new[]
        {
            $"{l.Name} ({l.TypeName})",
            Shapes.KerasText(l.OutputShape),
            Count(l.Parameters),
            Count(l.MultiplyAdds),
            string.Join(", ", l.Inbound.Select(name => name + "[0][0]")),
        }.Take(headers.Length).ToArray()).ToList();
        if (graph)
        {
            rows.Insert(0, new[] { $"{network.InputName} (InputLayer)", Shapes.KerasText(network.InputShape), "0", "0", "-" });
        }

        var widths = new int[headers.Length];
        for (int c = 0; c < widths.Length; c++)
        {
            widths[c] = Math.Max(minimums[c], Math.Max(headers[c].Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length)));
        }

        var text = new StringBuilder();
        text.Append("Model: \"").Append(network.ModelName).Append("\"\n");
        text.Append(Rule('┏', '━', '┳', '┓', widths));
        text.Append(Row('┃', headers, widths));
        text.Append(Rule('┡', '━', '╇', '┩', widths));
        for (int r = 0; r < rows.Count; r++)
        {
            if (r > 0) text.Append(Rule('├', '─', '┼', '┤', widths));
            text.Append(Row('│', rows[r], widths));
        }
        text.Append(Rule('└', '─', '┴', '┘', widths));

        long total = network.Parameters, trainable = network.TrainableParameters;
        text.Append(" Total params: ").Append(Count(total)).Append(" (").Append(Bytes(total * 4)).Append(")\n");
        text.Append(" Trainable params: ").Append(Count(trainable)).Append(" (").Append(Bytes(trainable * 4)).Append(")\n");
        text.Append(" Non-trainable params: ").Append(Count(total - trainable)).Append(" (").Append(Bytes((total - trainable) * 4)).Append(")\n");
        text.Append(" Total mult-adds: ").Append(Count(network.MultiplyAdds)).Append(" (").Append(Scaled(network.MultiplyAdds)).Append(")\n");
        var (largest, elements) = network.LargestActivation;
        text.Append(" Largest activation: ").Append(Count(elements)).Append(" floats (").Append(Bytes(elements * 4)).Append("), ")
            .Append(largest == null ? "the input" : "output of " + largest.Name).Append('\n');
        if (memory != null)
        {
            text.Append(" Activation memory: ").Append(Count(memory.PeakLiveFloats)).Append(" floats live at most (")
                .Append(Bytes(memory.PeakLiveFloats * 4)).Append("); workspace ").Append(Bytes(memory.WorkspaceFloats * 4))
                .Append(" per thread, buffers reused once dead\n");
        }
        return text.ToString();
    }

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Keras 3's sizes: B, KB, MB, GB at 1024.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = { "B", "KB", "MB", "GB", "TB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    private static string Scaled(long value)
    {
        if (value >= 1_000_000_000) return (value / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " G";
        if (value >= 1_000_000) return (value / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M";
        if (value >= 1_000) return (value / 1e3).ToString("0.00", CultureInfo.InvariantCulture) + " K";
        return value.ToString(CultureInfo.InvariantCulture);
    }

    private static string Rule(char left, char fill, char middle, char right, int[] widths)
    {
        var line = new StringBuilder().Append(left);
        for (int c = 0; c < widths.Length; c++)
        {
            if (c > 0) line.Append(middle);
            line.Append(fill, widths[c] + 2);
        }
        return line.Append(right).Append('\n').ToString();
    }

    private static string Row(char border, IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder().Append(border);
        for (int c = 0; c < widths.Length; c++)
        {
            if (c > 0) line.Append(border);
            bool numeric = c is 2 or 3;
            line.Append(' ').Append(numeric ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c])).Append(' ');
        }
        return line.Append(border).Append('\n').ToString();
    }
}
