using System.Text;

namespace Serverless.Browser.Tests.Browser;

/// <summary>One axe-core rule the page breaks, with the elements that break it.</summary>
public sealed record AxeViolation(
    string Id,
    string? Impact,
    string Description,
    string Help,
    string HelpUrl,
    IReadOnlyList<AxeNode> Nodes)
{
    public override string ToString() =>
        $"{Id} ({Impact ?? "no impact"}): {Help} at {string.Join(", ", Nodes.Select(n => n.Target))}";

    /// <summary>A readable list for an assertion message; "no violations" when empty.</summary>
    public static string Describe(IEnumerable<AxeViolation> violations)
    {
        var text = new StringBuilder();
        foreach (var violation in violations)
        {
            text.AppendLine(violation.ToString());
            foreach (var node in violation.Nodes)
            {
                text.Append("  ").Append(node.Target).Append(": ").AppendLine(node.Html);
                if (node.FailureSummary is not null)
                {
                    text.Append("    ").AppendLine(node.FailureSummary.ReplaceLineEndings(" "));
                }
            }
        }

        return text.Length == 0 ? "no violations" : text.ToString();
    }
}

/// <summary>An element axe-core flagged: its selector, its markup and why it fails.</summary>
public sealed record AxeNode(string Target, string Html, string? FailureSummary);

/// <summary>A file the browser downloaded, saved on disk.</summary>
public sealed record BrowserDownload(string Path, string SuggestedFilename, string Url);

/// <summary>A browser command failed (element not found, navigation error, script error...).</summary>
public class BrowserDriverException : Exception
{
    public BrowserDriverException()
    {
    }

    public BrowserDriverException(string message)
        : base(message)
    {
    }

    public BrowserDriverException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The browser cannot run here: Chromium, node or the npm tools are missing. Tests fail with it
/// (they never skip), so a CI machine without a browser is a red build, not a silent pass.
/// </summary>
public sealed class BrowserUnavailableException : BrowserDriverException
{
    public BrowserUnavailableException()
    {
    }

    public BrowserUnavailableException(string message)
        : base(message)
    {
    }

    public BrowserUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
