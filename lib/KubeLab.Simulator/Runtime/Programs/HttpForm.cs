using System.Text;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>Go's r.FormValue: a urlencoded POST/PUT body's values first, then the query's; first value wins.</summary>
public static class HttpForm
{
    public static Dictionary<string, List<string>> Parse(HttpRequestMessageModel request)
    {
        var form = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var contentType = request.Headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? "";
        if (request.Method is "POST" or "PUT" or "PATCH" && request.Body.Length > 0 &&
            (contentType.Length == 0 || contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)))
            Add(form, Encoding.UTF8.GetString(request.Body));
        Add(form, request.Query);
        return form;
    }

    public static string Value(HttpRequestMessageModel request, string name) =>
        Parse(request).TryGetValue(name, out var v) && v.Count > 0 ? v[0] : "";

    private static void Add(Dictionary<string, List<string>> form, string encoded)
    {
        foreach (var pair in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Decode(kv[0]);
            if (!form.TryGetValue(key, out var list)) form[key] = list = [];
            list.Add(kv.Length > 1 ? Decode(kv[1]) : "");
        }
    }

    private static string Decode(string s)
    {
        try { return Uri.UnescapeDataString(s.Replace('+', ' ')); }
        catch (UriFormatException) { return s; }
    }
}
