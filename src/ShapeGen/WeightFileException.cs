using System;
using System.Collections.Generic;
using System.IO;

namespace ShapeGen;

/// <summary>
/// A weight file that cannot be read, or that does not fit the network: a missing or extra tensor, a wrong shape or
/// dtype, truncated data, a corrupt header. Thrown before the network is created, so there is never a half-loaded
/// model. The message names the file, the tensor, and what was expected and found. It is an <see cref="IOException"/>
/// (the BCL's <see cref="InvalidDataException"/> is sealed), so <c>catch (IOException)</c> covers a missing file and
/// a bad one alike.
/// </summary>
public sealed class WeightFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WeightFileException(string? fileName, string? tensor, IReadOnlyList<string> problems, Exception? inner = null, string? network = null)
        : base(Format(fileName, network, problems), inner)
    {
        FileName = fileName;
        Tensor = tensor;
        Problems = problems;
    }

    /// <summary>The file, as given (a path or a stream's name); null for an unnamed stream.</summary>
    public string? FileName { get; }

    /// <summary>The first tensor concerned, as the file or the network names it; null for a problem with the file as a whole.</summary>
    public string? Tensor { get; }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string? fileName, string? network, IReadOnlyList<string> problems)
    {
        string file = fileName ?? "the weight stream";
        string subject = network == null ? file : $"{file} does not fit {network}";
        if (problems.Count == 1) return $"{subject}: {problems[0]}";
        return $"{subject}: {problems.Count} problems:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", problems);
    }
}
