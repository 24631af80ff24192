using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// registry.k8s.io/e2e-test-images/agnhost (kubernetes test/images/agnhost/Dockerfile, BASEIMAGE alpine:3.21): Alpine with
/// busybox (so sh and the applets), plus apk's bash, curl and netcat-openbsd; /agnhost and the /agnhost-2 link;
/// ENTRYPOINT ["/agnhost"], CMD ["pause"]; /uploads for netexec.
/// </summary>
public static class AgnhostImage
{
    public const string DefaultVersion = "2.53";

    public static ImageDefinition Create(ImageName name)
    {
        var version = name.NumericTag ?? DefaultVersion;
        var b = BaseLayers.Alpine();
        var agnhost = new AgnhostProgram(version);
        b.Program("/agnhost", agnhost).Symlink("/agnhost-2", "agnhost").Alias("/agnhost-2", agnhost);
        b.Program("/usr/bin/curl", new CurlProgram("8.12.1"));
        if (b.Executables.TryGetValue("/bin/sh", out var sh)) b.Program("/bin/bash", sh);
        b.Directory("/uploads");
        b.File("/localhost.crt", "-----BEGIN CERTIFICATE-----\n(placeholder of porter's test certificate)\n-----END CERTIFICATE-----\n");
        b.File("/localhost.key", "-----BEGIN PRIVATE KEY-----\n(placeholder)\n-----END PRIVATE KEY-----\n", 0x180);
        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = b.Root.Clone,
            Executables = b.Executables,
            Entrypoint = ["/agnhost"],
            Cmd = ["pause"],
            Description = $"agnhost {version}: netexec (:8080 HTTP endpoints), liveness (:8080 /healthz fails after 10 s), " +
                          "serve-hostname (:9376), pause; Alpine with busybox sh, bash, curl.",
        };
    }
}
