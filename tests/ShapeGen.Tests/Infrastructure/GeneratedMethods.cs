using System.Text.RegularExpressions;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>
/// Methods of generated source, found by a pattern for their declaration up to the parameter list's opening parenthesis
/// (e.g. <c>private static void Step\d+_Depthwise_512</c>). A method's text runs to its closing brace at member indentation.
/// </summary>
internal static class GeneratedMethods
{
    /// <summary>Every method whose declaration matches <paramref name="pattern"/>, in source order.</summary>
    public static string[] All(string source, string pattern)
        => Regex.Matches(source, pattern + @"\(.*?\n        }\n", RegexOptions.Singleline).Select(m => m.Value).ToArray();

    /// <summary>The first method whose declaration matches <paramref name="pattern"/>, or empty if none does.</summary>
    public static string First(string source, string pattern)
        => Regex.Match(source, pattern + @"\(.*?\n        }\n", RegexOptions.Singleline).Value;
}
