using KubeLab.Simulator.Kubelet;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// An image reference split the way the catalog matches it: "nginx:1.27" is docker.io/library/nginx, tag 1.27; the catalog
/// looks at the last path component only, so any registry or mirror of an image (registry.k8s.io/e2e-test-images/agnhost,
/// a local registry copy) is the same image.
/// </summary>
public sealed record ImageName(string Reference, string Repository, string BaseName, string Tag)
{
    public static ImageName Parse(string image)
    {
        var trimmed = image.Trim();
        var reference = ImageReference.Normalize(trimmed);
        var repository = ImageReference.Repository(trimmed);
        var withoutDigest = reference.Split('@', 2)[0];
        var lastSlash = withoutDigest.LastIndexOf('/');
        var colon = withoutDigest.IndexOf(':', lastSlash + 1);
        var tag = colon < 0 ? "" : withoutDigest[(colon + 1)..];
        var baseName = repository[(repository.LastIndexOf('/') + 1)..].ToLowerInvariant();
        return new ImageName(reference, repository, baseName, tag);
    }

    /// <summary>A tag like "1.27.3" or "2.53" (no suffix such as "-alpine"), or null.</summary>
    public string? NumericTag =>
        Tag.Length > 0 && Tag.All(c => char.IsAsciiDigit(c) || c == '.') && char.IsAsciiDigit(Tag[0]) ? Tag : null;
}
