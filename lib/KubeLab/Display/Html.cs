using System.Net;
using System.Text;

namespace KubeLab;

/// <summary>Small helpers to build escaped HTML and aligned plain-text tables for the display types.</summary>
internal static class Html
{
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    public const string TableStyle =
        "border-collapse:collapse;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px";

    /// <summary>An HTML table; every header and cell is escaped.</summary>
    public static string Table(string? caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder();
        sb.Append("<table class=\"kubelab-table\" style=\"").Append(TableStyle).Append("\">");
        if (caption is not null) sb.Append("<caption style=\"text-align:left;font-weight:bold\">").Append(Escape(caption)).Append("</caption>");
        sb.Append("<thead><tr>");
        foreach (var h in headers) sb.Append("<th style=\"text-align:left;padding:2px 10px;border-bottom:1px solid #999\">").Append(Escape(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            foreach (var cell in row) sb.Append("<td style=\"padding:2px 10px\">").Append(Escape(cell)).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        return sb.ToString();
    }

    /// <summary>kubectl-style plain text: columns padded with three spaces.</summary>
    public static string TextTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, headers.Count).Select(i => all.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        var sb = new StringBuilder();
        foreach (var row in all)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                var cell = i < row.Count ? row[i] : "";
                sb.Append(i == headers.Count - 1 ? cell : cell.PadRight(widths[i] + 3));
            }
            sb.AppendLine();
        }
        return sb.ToString().TrimEnd();
    }
}
