using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using ShapeGen.Generators.Analysis;

namespace ShapeGen.Tests.Infrastructure;

/// <summary>A diagnostic expected at markup location <c>{|#n:...|}</c>, whose message contains every fragment.</summary>
public sealed record Expected(string Id, DiagnosticSeverity Severity, int Location, params string[] MessageContains);

/// <summary>
/// Runs the ShapeAnalyzer through Microsoft.CodeAnalysis.Testing (which fails on any diagnostic not expected, so
/// the clean neighbours of the offending attribute are checked too), then checks the message text of each
/// expected diagnostic on the same source.
/// </summary>
public static class AnalyzerVerifier
{
    public static Expected Error(string id, int location, params string[] messageContains) => new(id, DiagnosticSeverity.Error, location, messageContains);

    public static Expected Warning(string id, int location, params string[] messageContains) => new(id, DiagnosticSeverity.Warning, location, messageContains);

    public const string Usings = "using ShapeGen;\n\nnamespace Tests;\n\n";

    /// <summary>Verifies <paramref name="markup"/> (prefixed with <see cref="Usings"/>) reports exactly <paramref name="expected"/>.</summary>
    public static async Task VerifyAsync(string markup, params Expected[] expected)
    {
        markup = Usings + markup;
        var test = new CSharpAnalyzerTest<ShapeAnalyzer, DefaultVerifier>
        {
            TestCode = markup,
            ReferenceAssemblies = TestReferences.ReferenceAssemblies,
        };
        test.TestState.AdditionalReferences.Add(TestReferences.Runtime);
        // Info-level notes (SG0009 Dense on a feature map, SG0011 uneven 'same' padding) have their own tests in
        // ShapeGen.CodeFixes.Tests; here they would only be noise around the errors and warnings under test.
        test.DisabledDiagnostics.AddRange(new[] { "SG0009", "SG0011" });
        foreach (var e in expected)
        {
            test.ExpectedDiagnostics.Add(new DiagnosticResult(e.Id, e.Severity).WithLocation(e.Location));
        }
        await test.RunAsync();

        // Messages: the same source through the analyzer directly, matched by location.
        var (code, spans) = Markup.Parse(markup);
        var diagnostics = GeneratorHarness.Analyze(GeneratorHarness.CreateCompilation(code)).ShapeGen.ToList();
        foreach (var e in expected)
        {
            var span = spans["#" + e.Location];
            var diagnostic = diagnostics.Single(d => d.Id == e.Id && d.Location.SourceSpan == span);
            string message = diagnostic.GetMessage();
            foreach (var fragment in e.MessageContains)
            {
                Assert.True(message.Contains(fragment, StringComparison.Ordinal),
                    $"{e.Id} message should contain \"{fragment}\" but is: {message}");
            }
        }
    }

    /// <summary>Verifies the source produces no ShapeGen diagnostic (and compiles).</summary>
    public static Task VerifyCleanAsync(string source) => VerifyAsync(source);
}

/// <summary>The <c>{|label:text|}</c> / <c>[|text|]</c> markup of Microsoft.CodeAnalysis.Testing, stripped, with the spans it marks.</summary>
public static class Markup
{
    public static (string Code, IReadOnlyDictionary<string, TextSpan> Spans) Parse(string markup)
    {
        var code = new StringBuilder();
        var spans = new Dictionary<string, TextSpan>();
        var open = new Stack<(string Label, int Start)>();
        int unnamed = 0;
        for (int i = 0; i < markup.Length; i++)
        {
            if (Starts(markup, i, "{|"))
            {
                int colon = markup.IndexOf(':', i);
                open.Push((markup.Substring(i + 2, colon - i - 2), code.Length));
                i = colon;
            }
            else if (Starts(markup, i, "[|"))
            {
                open.Push(("[|" + unnamed++, code.Length));
                i++;
            }
            else if (Starts(markup, i, "|}") || Starts(markup, i, "|]"))
            {
                var (label, start) = open.Pop();
                spans[label] = TextSpan.FromBounds(start, code.Length);
                i++;
            }
            else
            {
                code.Append(markup[i]);
            }
        }
        return (code.ToString(), spans);
    }

    private static bool Starts(string text, int index, string value) => string.CompareOrdinal(text, index, value, 0, value.Length) == 0;
}
