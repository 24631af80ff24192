using System.Globalization;
using System.Text;

namespace KubeLab;

/// <summary>
/// The bytes etcd keeps for one object (read with etcdctl in the etcd pod, <see cref="Lab.StoredObjectAsync"/>): kube-apiserver's
/// protobuf (<c>k8s\0</c> …), or, for a resource an EncryptionConfiguration encrypts, <c>k8s:enc:&lt;provider&gt;:v1:&lt;key&gt;:</c>
/// followed by ciphertext.
/// </summary>
public sealed record StoredObject(string Key, byte[] Value, long ModRevision) : IHtmlDisplayable
{
    /// <summary>"k8s:enc:aescbc:v1:key1" for encrypted data, "k8s" for plain protobuf, "json" for JSON, else "".</summary>
    public string Prefix
    {
        get
        {
            var text = Encoding.Latin1.GetString(Value, 0, Math.Min(Value.Length, 80));
            if (text.StartsWith("k8s:enc:", StringComparison.Ordinal))
            {
                var parts = text.Split(':');
                return parts.Length >= 6 ? string.Join(':', parts[..5]) : text;
            }
            if (text.StartsWith("k8s\0", StringComparison.Ordinal)) return "k8s";
            return text.StartsWith('{') ? "json" : "";
        }
    }

    public bool IsEncrypted => Prefix.StartsWith("k8s:enc:", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="text"/> (UTF-8) appears anywhere in the stored bytes.</summary>
    public bool ContainsText(string text) => Value.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    /// <summary><c>hexdump -C</c> style: offset, 16 bytes in hex, the printable ones as text; at most <paramref name="maxBytes"/>.</summary>
    public string HexDump(int maxBytes = 256)
    {
        var sb = new StringBuilder();
        var n = Math.Min(Value.Length, maxBytes);
        for (var off = 0; off < n; off += 16)
        {
            sb.Append(off.ToString("x8", CultureInfo.InvariantCulture)).Append("  ");
            for (var i = 0; i < 16; i++)
            {
                sb.Append(off + i < n ? Value[off + i].ToString("x2", CultureInfo.InvariantCulture) + " " : "   ");
                if (i == 7) sb.Append(' ');
            }
            sb.Append(" |");
            for (var i = off; i < Math.Min(off + 16, n); i++) sb.Append(Value[i] is >= 0x20 and < 0x7f ? (char)Value[i] : '.');
            sb.Append("|\n");
        }
        if (Value.Length > n) sb.Append(CultureInfo.InvariantCulture, $"… {Value.Length - n} more bytes ({Value.Length} in all)\n");
        return sb.ToString();
    }

    public override string ToString() => $"{Key} (revision {ModRevision}, {Value.Length} bytes, prefix {(Prefix.Length == 0 ? "none" : Prefix)})\n{HexDump()}";

    public string ToHtml() =>
        $"<div><b>{Html.Escape(Key)}</b> – revision {ModRevision}, {Value.Length} bytes, prefix <code>{Html.Escape(Prefix.Length == 0 ? "none" : Prefix)}</code>" +
        $"<pre style=\"font-size:11px\">{Html.Escape(HexDump())}</pre></div>";
}
