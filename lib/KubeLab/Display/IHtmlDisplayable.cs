namespace KubeLab;

/// <summary>
/// Something a notebook can show as HTML. Notebooks register a text/html formatter for this interface;
/// <see cref="object.ToString"/> always gives a readable plain-text form as well.
/// </summary>
public interface IHtmlDisplayable
{
    string ToHtml();
}
