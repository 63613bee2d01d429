using System.Net;
using System.Text;

namespace AirQuality.Reports.Internal;

/// <summary>
/// Writes HTML in which every piece of text and every attribute value is HTML-encoded. Element names and styles come
/// only from the renderer's constants; nothing read from the database can add markup (issue 6).
/// </summary>
sealed class HtmlBuilder
{
    readonly StringBuilder _html = new();

    /// <summary>Opens <paramref name="tag"/> with an inline style and further attributes, all values encoded.</summary>
    public HtmlBuilder Open(string tag, string? style = null, params (string Name, string Value)[] attributes)
    {
        _html.Append('<').Append(tag);
        if (style is not null)
        {
            Attribute("style", style);
        }

        foreach (var (name, value) in attributes)
        {
            Attribute(name, value);
        }

        _html.Append('>');
        return this;
    }

    public HtmlBuilder Close(string tag)
    {
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element holding encoded text.</summary>
    public HtmlBuilder Element(string tag, string? style, string? text, params (string Name, string Value)[] attributes) =>
        Open(tag, style, attributes).Text(text).Close(tag);

    /// <summary>Text, HTML-encoded.</summary>
    public HtmlBuilder Text(string? text)
    {
        _html.Append(WebUtility.HtmlEncode(text));
        return this;
    }

    /// <summary>A void element such as <c>br</c> or <c>meta</c>: opened, never closed.</summary>
    public HtmlBuilder Void(string tag, string? style = null, params (string Name, string Value)[] attributes) => Open(tag, style, attributes);

    /// <summary>The document type line; the only markup not built from elements.</summary>
    public HtmlBuilder Doctype()
    {
        _html.Append("<!DOCTYPE html>\n");
        return this;
    }

    public override string ToString() => _html.ToString();

    void Attribute(string name, string value) => _html.Append(' ').Append(name).Append("=\"").Append(WebUtility.HtmlEncode(value)).Append('"');
}
