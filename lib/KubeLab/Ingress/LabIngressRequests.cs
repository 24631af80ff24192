using System.Globalization;
using System.Text;

namespace KubeLab;

/// <summary>HTTP requests to an Ingress / Gateway address from a busybox client pod, with a Host header – how L7 routing is observed.</summary>
public sealed partial class Lab
{
    private const string AnswerSeparator = "@@kubelab@@";

    /// <summary>
    /// Runs <c>wget -qO- -T 3 --header 'Host: HOST' http://ADDRESS PATH</c> in <paramref name="clientPod"/> (busybox) <paramref name="count"/>
    /// times in one shell loop and returns every answer. Headers are added as more <c>--header</c> options.
    /// </summary>
    public async Task<IReadOnlyList<IngressAnswer>> RequestManyAsync(string clientPod, string address, string? host, string path, int count,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientPod);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!path.StartsWith('/')) path = "/" + path;
        var wget = new StringBuilder("wget -qO- -T 3");
        if (host is not null) wget.Append(" --header ").Append(Quote("Host: " + host));
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) wget.Append(" --header ").Append(Quote($"{k}: {v}"));
        wget.Append(' ').Append(Quote($"http://{address}{path}"));
        var script = $"for i in $(seq {count.ToString(CultureInfo.InvariantCulture)}); do {wget} 2>&1; rc=$?; echo; echo \"rc=$rc\"; echo {AnswerSeparator}; done";
        var r = await ExecAsync(clientPod, ["sh", "-c", script], timeout: TimeSpan.FromSeconds(60 + count), ct: ct).ConfigureAwait(false);
        return r.Stdout.Split(AnswerSeparator + "\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(c => c.Trim().Length > 0).Select(c => IngressAnswer.Parse(host, path, c)).ToList();
    }

    /// <summary>One request (see <see cref="RequestManyAsync"/>).</summary>
    public async Task<IngressAnswer> RequestAsync(string clientPod, string address, string? host, string path,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
        => (await RequestManyAsync(clientPod, address, host, path, 1, headers, ct).ConfigureAwait(false)).Single();

    /// <summary>One request per host × path.</summary>
    public async Task<RequestMatrix> RequestMatrixAsync(string clientPod, string address, IReadOnlyList<string> hosts, IReadOnlyList<string> paths,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(paths);
        var cells = new Dictionary<(string, string), IngressAnswer>();
        foreach (var h in hosts)
            foreach (var p in paths)
                cells[(h, p)] = await RequestAsync(clientPod, address, h, p, ct: ct).ConfigureAwait(false);
        return new RequestMatrix(hosts, paths, cells);
    }

    /// <summary><paramref name="count"/> requests; how many each backend answered (errors counted under "404", "error" …).</summary>
    public async Task<IReadOnlyDictionary<string, int>> SplitAsync(string clientPod, string address, string? host, string path, int count,
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken ct = default)
        => (await RequestManyAsync(clientPod, address, host, path, count, headers, ct).ConfigureAwait(false))
            .GroupBy(a => a.Backend).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>
    /// Requests until <paramref name="condition"/> holds for an answer (cloud-provider-kind programs Envoy a few seconds after a route
    /// changes; the simulator's model after its sync), then returns it.
    /// </summary>
    public async Task<IngressAnswer> WaitForRequestAsync(string clientPod, string address, string? host, string path, Func<IngressAnswer, bool> condition,
        string description, IReadOnlyDictionary<string, string>? headers = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var a = await RequestAsync(clientPod, address, host, path, headers, ct).ConfigureAwait(false);
            if (condition(a)) return a;
            if (DateTime.UtcNow > deadline)
                throw new WaitTimeoutException($"{clientPod} requesting http://{address}{path} (Host: {host}): {description}", limit,
                    $"  The last answer: {(a.Ok ? a.Body : a.Error)}");
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
