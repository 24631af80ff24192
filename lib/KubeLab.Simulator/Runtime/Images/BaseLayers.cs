using KubeLab.Simulator.Runtime.Shell;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// The base images the catalog's images are built FROM: busybox (docker.io/library/busybox), Alpine (busybox as /bin/sh and
/// the coreutils) and Debian bookworm-slim (dash as /bin/sh, GNU coreutils; merged /usr, so /bin is a link to usr/bin).
/// /etc/hostname, /etc/hosts and /etc/resolv.conf are not here: the kubelet writes them for every container.
/// </summary>
public static class BaseLayers
{
    /// <summary>docker.io/library/busybox: every applet in /bin (the image hard-links them all to /bin/busybox).</summary>
    public static RootBuilder Busybox()
    {
        var b = Common("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
            "root:x:0:\nnogroup:x:65534:\n");
        b.Directory("/home").Directory("/usr/sbin").Directory("/var/spool/mail").Directory("/var/www");
        foreach (var (name, program) in BusyboxApplets.All) b.Program("/bin/" + name, program);
        b.Program("/bin/busybox", new Programs.BusyboxMultiCallProgram());
        return b;
    }

    /// <summary>Alpine 3.21 (docker.io/library/alpine): busybox provides sh and the tools; /etc/os-release names it.</summary>
    public static RootBuilder Alpine()
    {
        var b = Common("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n",
            "root:x:0:root\nnogroup:x:65533:\nnobody:x:65534:\n");
        foreach (var dir in new[] { "/home", "/media", "/mnt", "/opt", "/run", "/sbin", "/srv", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/var/log" })
            b.Directory(dir);
        b.File("/etc/alpine-release", "3.21.3\n");
        b.File("/etc/os-release",
            "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.21.3\nPRETTY_NAME=\"Alpine Linux v3.21\"\n" +
            "HOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n");
        foreach (var (name, program) in BusyboxApplets.All) b.Program("/bin/" + name, program);
        b.Program("/bin/busybox", new Programs.BusyboxMultiCallProgram());
        return b;
    }

    /// <summary>
    /// The tools of debian:bookworm-slim a learner reaches for (coreutils, grep, sed, findutils, tar, gzip, mawk, hostname,
    /// util-linux, bash, dash as sh) – modelled by the busybox programs of the same names. Not there: wget, ps (procps),
    /// ping, nc, nslookup, vi, less.
    /// </summary>
    public static readonly IReadOnlyList<string> DebianTools =
    [
        "sh", "dash", "bash", "basename", "cat", "chgrp", "chmod", "chown", "cp", "cut", "date", "dd", "df", "dirname", "du",
        "echo", "env", "expr", "false", "head", "id", "ln", "ls", "mkdir", "mktemp", "mv", "nice", "nohup", "nproc", "od",
        "printenv", "printf", "pwd", "readlink", "realpath", "rm", "rmdir", "seq", "sleep", "sort", "split", "stat", "sync",
        "tail", "tee", "test", "[", "timeout", "touch", "tr", "true", "truncate", "uname", "uniq", "wc", "whoami", "yes",
        "grep", "egrep", "fgrep", "sed", "find", "xargs", "tar", "gzip", "gunzip", "zcat", "awk", "hostname", "mount",
        "umount", "more", "which", "getopt", "su", "login", "mountpoint",
    ];

    /// <summary>debian:bookworm-slim with <see cref="DebianTools"/> in /usr/bin (also found as /bin/x through the /bin link).</summary>
    public static RootBuilder Debian(string passwd, string group)
    {
        var b = Common(passwd, group);
        foreach (var dir in new[] { "/boot", "/home", "/media", "/mnt", "/opt", "/run", "/srv", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/var/log" })
            b.Directory(dir);
        b.Directory("/root", 0x1C0); // 0700
        b.Symlink("/bin", "usr/bin").Symlink("/sbin", "usr/sbin").Symlink("/lib", "usr/lib");
        b.File("/etc/debian_version", "12.10\n");
        b.File("/etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n" +
            "VERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\n" +
            "BUG_REPORT_URL=\"https://bugs.debian.org/\"\n");
        foreach (var name in DebianTools)
        {
            // dash and bash are modelled by the one POSIX shell the simulator has.
            var applet = name is "dash" or "bash" ? "sh" : name;
            if (!BusyboxApplets.All.TryGetValue(applet, out var program)) continue;
            b.Program("/usr/bin/" + name, program);
            b.Alias("/bin/" + name, program);
        }
        return b;
    }

    private static RootBuilder Common(string passwd, string group) => new RootBuilder()
        .Directory("/etc")
        .File("/etc/passwd", passwd)
        .File("/etc/group", group)
        .Directory("/root", 0x1C0)
        .Directory("/tmp", 0x3FF) // 01777
        .Directory("/var")
        .Directory("/usr");
}
