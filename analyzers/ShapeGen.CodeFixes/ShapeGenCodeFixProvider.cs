using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ShapeGen.CodeFixes;

/// <summary>
/// Common shape of ShapeGen's code fixes: each reads the facts the shape engine attached to the diagnostic
/// (<c>Diagnostic.Properties</c>, keys in <c>FixKeys</c>) and turns them into a text edit. Fix-all uses the batch
/// fixer: every diagnostic is fixed from the same original text and the edits are merged, in a document, a project
/// or the solution.
/// </summary>
public abstract class ShapeGenCodeFixProvider : CodeFixProvider
{
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root == null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            Register(context, root, diagnostic);
        }
    }

    /// <summary>Offers this provider's fixes for one diagnostic (none when its facts are missing).</summary>
    internal abstract void Register(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic);

    internal static string? Property(Diagnostic diagnostic, string key)
        => diagnostic.Properties.TryGetValue(key, out var value) ? value : null;

    /// <summary>Registers a fix. <paramref name="equivalenceKey"/> names the kind of fix, not its numbers, so that fix-all applies it everywhere.</summary>
    internal static void Offer(CodeFixContext context, Diagnostic diagnostic, string title, string equivalenceKey,
        Func<CancellationToken, Task<Document>> createChangedDocument)
        => context.RegisterCodeFix(CodeAction.Create(title, createChangedDocument, equivalenceKey), diagnostic);

    internal static ImmutableArray<string> Ids(params string[] ids) => ImmutableArray.Create(ids);
}
