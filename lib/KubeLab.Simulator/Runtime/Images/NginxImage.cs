using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// docker.io/library/nginx (nginxinc/docker-nginx mainline/debian/Dockerfile): Debian bookworm-slim + nginx.org's package
/// + curl; ENTRYPOINT ["/docker-entrypoint.sh"], CMD ["nginx", "-g", "daemon off;"], STOPSIGNAL SIGQUIT, EXPOSE 80.
/// /var/log/nginx/access.log and error.log link to /dev/stdout and /dev/stderr. Tags with "alpine" are the Alpine variant
/// (mainline/alpine-slim): busybox tools, including wget. The version comes from an x.y.z tag, else 1.27.5.
/// </summary>
public static class NginxImage
{
    public static ImageDefinition Create(ImageName name)
    {
        var alpine = name.Tag.Contains("alpine", StringComparison.Ordinal);
        var tagVersion = name.Tag.Split('-')[0];
        var version = tagVersion.Count(c => c == '.') == 2 && tagVersion.All(c => char.IsAsciiDigit(c) || c == '.')
            ? tagVersion : NginxImageFiles.DefaultVersion;
        var builtBy = alpine ? "gcc 14.2.0 (Alpine 14.2.0)" : "gcc 12.2.0 (Debian 12.2.0-14)";
        var release = alpine ? "1" : "1~bookworm";

        var b = alpine
            ? BaseLayers.Alpine()
            : BaseLayers.Debian(
                "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" +
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\n",
                "root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\nnginx:x:101:\n");
        if (alpine)
            b.File("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\nnginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin\n");

        var nginx = new NginxProgram(version, builtBy);
        b.Program("/usr/sbin/nginx", nginx).Program("/usr/sbin/nginx-debug", nginx);
        if (!alpine) b.Alias("/sbin/nginx", nginx).Alias("/sbin/nginx-debug", nginx);
        b.Program("/usr/bin/curl", new CurlProgram());
        if (!alpine) b.Alias("/bin/curl", b.Executables["/usr/bin/curl"]);

        b.File("/etc/nginx/nginx.conf", NginxImageFiles.NginxConf)
            .File("/etc/nginx/conf.d/default.conf", NginxImageFiles.DefaultConf)
            .File("/etc/nginx/mime.types", NginxImageFiles.MimeTypesFile)
            .Symlink("/etc/nginx/modules", "/usr/lib/nginx/modules")
            .Directory("/usr/lib/nginx/modules")
            .File("/usr/share/nginx/html/index.html", NginxImageFiles.IndexHtml)
            .File("/usr/share/nginx/html/50x.html", NginxImageFiles.Error50xHtml)
            .Directory("/var/cache/nginx")
            .Symlink("/var/log/nginx/access.log", "/dev/stdout")
            .Symlink("/var/log/nginx/error.log", "/dev/stderr")
            .Program(NginxEntrypointProgram.Path, new NginxEntrypointProgram());
        foreach (var script in NginxEntrypointProgram.Scripts)
            b.File($"{NginxEntrypointProgram.ScriptsDirectory}/{script}", "#!/bin/sh\n# vim:sw=4:ts=4:et\n", RootBuilder.Executable);

        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = b.Root.Clone,
            Executables = b.Executables,
            Entrypoint = [NginxEntrypointProgram.Path],
            Cmd = ["nginx", "-g", "daemon off;"],
            StopSignal = "SIGQUIT",
            Environment = new Dictionary<string, string>
            {
                ["NGINX_VERSION"] = version,
                ["NJS_VERSION"] = "0.8.10",
                ["NJS_RELEASE"] = release,
                ["PKG_RELEASE"] = release,
                ["DYNPKG_RELEASE"] = release,
            },
            Description = $"nginx {version} ({(alpine ? "Alpine" : "Debian")}): serves /usr/share/nginx/html on :80 per /etc/nginx/conf.d " +
                          $"(listen/root/index), logs to stdout/stderr or files under /var/log/nginx; " +
                          (alpine ? "busybox sh and tools." : "sh and coreutils, curl, no wget."),
        };
    }
}
