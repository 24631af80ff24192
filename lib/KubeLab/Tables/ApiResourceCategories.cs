using System.Text;

namespace KubeLab;

/// <summary>One served kind in <see cref="ApiResourceCategories"/>.</summary>
public sealed record ApiKind(string Kind, string ApiVersion, string Resource, bool Namespaced, IReadOnlyList<string> ShortNames);

/// <summary>The kinds the cluster serves (live discovery, preferred versions), grouped into the notes' categories.</summary>
public sealed class ApiResourceCategories : IHtmlDisplayable
{
    public IReadOnlyDictionary<string, IReadOnlyList<ApiKind>> ByCategory { get; }

    public ApiResourceCategories(IEnumerable<ApiKind> kinds)
    {
        var grouped = kinds.GroupBy(k => ResourceCategories.Of(k.Kind))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ApiKind>)g.OrderBy(k => k.Kind, StringComparer.Ordinal).ToList());
        ByCategory = ResourceCategories.Order.Where(grouped.ContainsKey).ToDictionary(c => c, c => grouped[c]);
    }

    public IReadOnlyList<ApiKind> this[string category] => ByCategory.TryGetValue(category, out var l) ? l : [];

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (category, kinds) in ByCategory)
            sb.Append(category).Append(": ").AppendLine(string.Join(", ", kinds.Select(k => k.Kind)));
        return sb.ToString().TrimEnd();
    }

    public string ToHtml()
        => Html.Table("API resources by category", ["CATEGORY", "KIND", "APIVERSION", "NAME", "SHORTNAMES", "NAMESPACED"],
            ByCategory.SelectMany(c => c.Value.Select(k => (IReadOnlyList<string>)
                [c.Key, k.Kind, k.ApiVersion, k.Resource, string.Join(",", k.ShortNames), k.Namespaced ? "true" : "false"])));
}
