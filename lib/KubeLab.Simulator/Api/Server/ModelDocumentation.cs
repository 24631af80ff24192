using System.Text.RegularExpressions;
using System.Xml;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// Field and type descriptions for <c>kubectl explain</c>, read at runtime from the XML documentation that ships with the
/// KubernetesClient package (next to its assembly, or in the NuGet package cache). Without that file descriptions stay empty.
/// </summary>
public static partial class ModelDocumentation
{
    private static readonly Lazy<Dictionary<string, string>> Docs = new(Load);

    [GeneratedRegex("\\s+")] private static partial Regex Whitespace();

    /// <summary>Summary for a member id such as <c>T:k8s.Models.V1Pod</c> or <c>P:k8s.Models.V1PodSpec.RestartPolicy</c>.</summary>
    public static string? Summary(string memberId) => Docs.Value.GetValueOrDefault(memberId);

    private static Dictionary<string, string> Load()
    {
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = Locate();
        if (path is null) return docs;
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { IgnoreComments = true, IgnoreWhitespace = true, DtdProcessing = DtdProcessing.Prohibit });
            while (reader.ReadToFollowing("member"))
            {
                var name = reader.GetAttribute("name");
                if (name is null || !(name.StartsWith("T:k8s.Models.", StringComparison.Ordinal) || name.StartsWith("P:k8s.Models.", StringComparison.Ordinal))) continue;
                using var member = reader.ReadSubtree();
                if (member.ReadToFollowing("summary"))
                    docs[name] = Whitespace().Replace(member.ReadElementContentAsString(), " ").Trim();
            }
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            // Documentation is a nicety; explain still works without it.
        }
        return docs;
    }

    private static string? Locate()
    {
        var assembly = typeof(k8s.Models.V1Pod).Assembly;
        var beside = Path.ChangeExtension(assembly.Location, ".xml");
        if (!string.IsNullOrEmpty(assembly.Location) && File.Exists(beside)) return beside;
        var version = assembly.GetName().Version;
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var package = Path.Combine(root, "kubernetesclient");
        if (version is null || !Directory.Exists(package)) return null;
        var candidates = Directory.GetDirectories(package)
            .Where(d => Path.GetFileName(d).StartsWith($"{version.Major}.{version.Minor}.", StringComparison.Ordinal))
            .SelectMany(d => Directory.Exists(Path.Combine(d, "lib")) ? Directory.GetDirectories(Path.Combine(d, "lib")) : [])
            .Select(d => Path.Combine(d, "KubernetesClient.xml"))
            .Where(File.Exists)
            .OrderByDescending(p => p, StringComparer.Ordinal)
            .ToList();
        return candidates.FirstOrDefault();
    }
}
