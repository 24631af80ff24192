using System.Security.Cryptography;
using System.Text;

namespace KubeLab.Simulator.Api.Storage.Encryption;

/// <summary>
/// One provider of an EncryptionConfiguration as a value transformer (apiserver/pkg/storage/value): it turns the serialized
/// object into the bytes etcd keeps and back. Real providers draw a random IV/nonce per write; here it is derived from the key,
/// the etcd key and the resourceVersion (<paramref name="seed"/>), so the same stored revision always shows the same bytes.
/// </summary>
public abstract class ValueTransformer(string prefix)
{
    /// <summary>What the stored bytes start with, e.g. <c>k8s:enc:aescbc:v1:key1:</c>; empty for identity.</summary>
    public string Prefix { get; } = prefix;

    public abstract byte[] ToStorage(byte[] plain, string etcdKey, string seed);

    public abstract byte[] FromStorage(byte[] stored, string etcdKey);

    protected byte[] WithPrefix(byte[] body) => [.. Encoding.ASCII.GetBytes(Prefix), .. body];

    protected byte[] WithoutPrefix(byte[] stored) => stored[Encoding.ASCII.GetByteCount(Prefix)..];

    protected static byte[] DerivedBytes(byte[] key, string etcdKey, string seed, int count) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(etcdKey + "\n" + seed))[..count];
}

/// <summary>identity: the bytes as they are (value/identity.go); refuses to read data another provider encrypted.</summary>
public sealed class IdentityTransformer() : ValueTransformer("")
{
    public override byte[] ToStorage(byte[] plain, string etcdKey, string seed) => plain;

    public override byte[] FromStorage(byte[] stored, string etcdKey) =>
        stored.AsSpan().StartsWith("k8s:enc:"u8) ? throw new CryptographicException("identity transformer tried to read encrypted data") : stored;
}

/// <summary>aescbc (value/encrypt/aes/aes.go cbc): AES in CBC mode, PKCS#7 padding, a 16-byte IV in front of the ciphertext.</summary>
public sealed class AesCbcTransformer(string keyName, byte[] key) : ValueTransformer($"k8s:enc:aescbc:v1:{keyName}:")
{
    public override byte[] ToStorage(byte[] plain, string etcdKey, string seed)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var iv = DerivedBytes(key, etcdKey, seed, 16);
        return WithPrefix([.. iv, .. aes.EncryptCbc(plain, iv, PaddingMode.PKCS7)]);
    }

    public override byte[] FromStorage(byte[] stored, string etcdKey)
    {
        var body = WithoutPrefix(stored);
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.DecryptCbc(body[16..], body[..16], PaddingMode.PKCS7);
    }
}

/// <summary>aesgcm (value/encrypt/aes/aes.go gcm): a 12-byte nonce, then ciphertext and 16-byte tag; the etcd key is the
/// authenticated data, so a value copied under another key does not decrypt.</summary>
public sealed class AesGcmTransformer(string keyName, byte[] key) : ValueTransformer($"k8s:enc:aesgcm:v1:{keyName}:")
{
    public override byte[] ToStorage(byte[] plain, string etcdKey, string seed)
    {
        var nonce = DerivedBytes(key, etcdKey, seed, 12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(etcdKey));
        return WithPrefix([.. nonce, .. cipher, .. tag]);
    }

    public override byte[] FromStorage(byte[] stored, string etcdKey)
    {
        var body = WithoutPrefix(stored);
        var plain = new byte[body.Length - 28];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(body[..12], body[12..^16], body[^16..], plain, Encoding.UTF8.GetBytes(etcdKey));
        return plain;
    }
}

/// <summary>secretbox (value/encrypt/secretbox: NaCl's XSalsa20-Poly1305 with a 32-byte key): a 24-byte nonce, then the sealed box
/// (16-byte Poly1305 tag followed by the ciphertext, as Go's secretbox.Seal writes it).</summary>
public sealed class SecretboxTransformer(string keyName, byte[] key) : ValueTransformer($"k8s:enc:secretbox:v1:{keyName}:")
{
    public override byte[] ToStorage(byte[] plain, string etcdKey, string seed)
    {
        var nonce = DerivedBytes(key, etcdKey, seed, 24);
        var sealedBox = new byte[plain.Length + 16];
        new NaCl.XSalsa20Poly1305(key).Encrypt(sealedBox, plain, nonce);
        return WithPrefix([.. nonce, .. sealedBox]);
    }

    public override byte[] FromStorage(byte[] stored, string etcdKey)
    {
        var body = WithoutPrefix(stored);
        var plain = new byte[body.Length - 24 - 16];
        if (!new NaCl.XSalsa20Poly1305(key).TryDecrypt(plain, body[24..], body[..24]))
            throw new CryptographicException("failed to decrypt data");
        return plain;
    }
}
