namespace Serverless.Browser.Tests.Browser;

/// <summary>
/// Names an element the way a person would find it: by role and accessible name, by its label,
/// by its text, or (when nothing else fits) by a CSS or Playwright selector. A string converts to
/// a selector, so <c>page.TextAsync("h1")</c> reads naturally.
/// </summary>
public sealed record Target
{
    public string? Selector { get; init; }

    public string? Role { get; init; }

    public string? Name { get; init; }

    public string? Label { get; init; }

    public string? Text { get; init; }

    public bool? Exact { get; init; }

    public int? Nth { get; init; }

    /// <summary>A CSS selector (or any Playwright selector such as <c>text=...</c>).</summary>
    public static Target Css(string selector) => new() { Selector = selector };

    /// <summary>An ARIA role, optionally with its accessible name (exact match unless told otherwise).</summary>
    public static Target ByRole(string role, string? name = null, bool exact = true) =>
        new() { Role = role, Name = name, Exact = name is null ? null : exact };

    /// <summary>A form control by the text of its label.</summary>
    public static Target ByLabel(string label, bool exact = true) => new() { Label = label, Exact = exact };

    /// <summary>An element by its text (a substring unless <paramref name="exact"/>).</summary>
    public static Target ByText(string text, bool exact = false) => new() { Text = text, Exact = exact };

    public static Target FromString(string selector) => Css(selector);

    public static implicit operator Target(string selector) => Css(selector);

    /// <summary>The n-th (from 0) of several matches; without it, several matches are an error.</summary>
    public Target At(int index) => this with { Nth = index };

    internal void AddTo(IDictionary<string, object?> args)
    {
        args["selector"] = Selector;
        args["role"] = Role;
        args["name"] = Name;
        args["label"] = Label;
        args["text"] = Text;
        args["exact"] = Exact;
        args["nth"] = Nth;
    }

    public override string ToString()
    {
        var found = Role is not null ? $"role={Role}" + (Name is null ? "" : $" name=\"{Name}\"")
            : Label is not null ? $"label=\"{Label}\""
            : Text is not null ? $"text=\"{Text}\""
            : Selector ?? "(nothing)";
        return Nth is null ? found : $"{found} [{Nth}]";
    }
}
