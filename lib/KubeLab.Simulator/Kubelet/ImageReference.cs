using System.Security.Cryptography;
using System.Text;

namespace KubeLab.Simulator.Kubelet;

/// <summary>
/// Image names as containerd reports them: "nginx:1.27" is "docker.io/library/nginx:1.27", an untagged name means ":latest",
/// and the image ID is "&lt;repository&gt;@sha256:&lt;digest&gt;". The digest and size are derived from the name so they are stable.
/// </summary>
public static class ImageReference
{
    public static string Normalize(string image)
    {
        var name = image;
        var digestAt = name.IndexOf('@');
        var slash = name.IndexOf('/');
        var firstPart = slash < 0 ? "" : name[..slash];
        var hasRegistry = slash >= 0 && (firstPart.Contains('.') || firstPart.Contains(':') || firstPart == "localhost");
        if (!hasRegistry) name = (slash < 0 ? "docker.io/library/" : "docker.io/") + name;
        var lastSlash = name.LastIndexOf('/');
        if (digestAt < 0 && name.IndexOf(':', lastSlash + 1) < 0) name += ":latest";
        return name;
    }

    public static string Repository(string image)
    {
        var n = Normalize(image);
        var at = n.IndexOf('@');
        if (at >= 0) return n[..at];
        var colon = n.LastIndexOf(':');
        return colon > n.LastIndexOf('/') ? n[..colon] : n;
    }

    public static string Digest(string image) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(image))));

    public static string ImageId(string image) => $"{Repository(image)}@sha256:{Digest(image)}";

    public static long SizeBytes(string image) => 5_000_000 + (long)(Convert.ToUInt32(Digest(image)[..7], 16) % 75_000_000);

    /// <summary>The tag decides the default pull policy: ":latest" or no tag → Always, otherwise IfNotPresent.</summary>
    public static string DefaultPullPolicy(string image) =>
        image.Contains('@') || !Normalize(image).EndsWith(":latest", StringComparison.Ordinal) ? "IfNotPresent" : "Always";

    /// <summary>The course's convention for images that cannot be pulled: names containing "does-not-exist" or the tag ":nonexistent".</summary>
    public static bool Exists(string image) =>
        !image.Contains("does-not-exist", StringComparison.OrdinalIgnoreCase) &&
        !image.EndsWith(":nonexistent", StringComparison.OrdinalIgnoreCase);
}
