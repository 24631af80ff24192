namespace KubeLab.Simulator.Network;

/// <summary>
/// kube-apiserver as the pod network sees it (172.18.0.2:6443, behind Service default/kubernetes at 10.96.0.1:443): a modelled
/// request from a container is sent, headers and body as the client wrote them, to the simulator's real HTTPS listener – so it
/// is authenticated (bearer token or anonymous; no client certificate) and answered exactly like a request from kubectl.
/// </summary>
public sealed class ApiServerEndpoint(HttpClient http)
{
    private static readonly HashSet<string> Hop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Content-Length", "Content-Type", "Transfer-Encoding" };

    public async Task<HttpResponseMessageModel> HandleAsync(HttpRequestMessageModel request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.PathAndQuery);
        foreach (var (name, value) in request.Headers)
            if (!Hop.Contains(name)) message.Headers.TryAddWithoutValidation(name, value);
        if (request.Body.Length > 0 || request.Method is "POST" or "PUT" or "PATCH")
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.Headers.TryGetValue("Content-Type", out var type)) message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }
        try
        {
            using var response = await http.SendAsync(message, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            var contentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            return new HttpResponseMessageModel((int)response.StatusCode, body, contentType)
            {
                Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = contentType },
            };
        }
        catch (HttpRequestException e)
        {
            throw new NetworkException($"dial tcp 172.18.0.2:6443: {e.Message}");
        }
    }
}
