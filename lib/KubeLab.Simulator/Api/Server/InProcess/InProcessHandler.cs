using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KubeLab.Simulator.Api.Server.InProcess;

/// <summary>
/// The last handler of an in-process client: turns each HttpRequestMessage into an <see cref="Exchange"/> and returns its
/// response, never calling the inner (socket) handler. The request is presented as TestHost's ClientHandler presented it:
/// method, scheme, Host (from the URI, without a default port), Path and QueryString decoded by PathString/QueryString from
/// the URI, content headers then request headers (User-Agent joined by spaces), a Content-Length computed from the content,
/// and the content's bytes as the body.
/// </summary>
internal sealed class InProcessHandler(RequestDelegate pipeline, IServiceProvider services, PathString pathBase, X509Certificate2? clientCertificate)
    : DelegatingHandler
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The in-process transport is asynchronous: use SendAsync.");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<HttpResponseMessage>(cancellationToken);
        var exchange = new Exchange(pipeline, services, request, clientCertificate);
        if (!Describe(request, exchange.Context.Request) || request.Content is not { } content) return exchange.Run(cancellationToken);
        var reading = content.ReadAsStreamAsync(cancellationToken);
        if (!reading.IsCompletedSuccessfully) return RunAfterReadingAsync(exchange, reading, cancellationToken);
        exchange.SetRequestBody(Rewound(reading.Result));
        return exchange.Run(cancellationToken);
    }

    private static async Task<HttpResponseMessage> RunAfterReadingAsync(Exchange exchange, Task<Stream> reading, CancellationToken cancellationToken)
    {
        exchange.SetRequestBody(Rewound(await reading.ConfigureAwait(false)));
        return await exchange.Run(cancellationToken).ConfigureAwait(false);
    }

    // A request sent again (a retry) reads its content from the start, as TestHost did.
    private static Stream Rewound(Stream body)
    {
        if (body.CanSeek) body.Position = 0;
        return body;
    }

    /// <summary>Fills in the request; true when it has a body to read.</summary>
    private bool Describe(HttpRequestMessage message, HttpRequest request)
    {
        var uri = message.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        // Room for the message's headers, its content's, Host and a computed Content-Length.
        request.HttpContext.Features.GetRequiredFeature<IHttpRequestFeature>().Headers = new HeaderDictionary(message.Headers.NonValidated.Count + (message.Content?.Headers.NonValidated.Count ?? 0) + 2);
        request.Protocol = HttpProtocol.GetHttpProtocol(message.Version);
        request.Method = message.Method.Method;
        request.Scheme = uri.Scheme;

        var hasBody = false;
        if (message.Content is { } content)
        {
            hasBody = true;
            if (message.Headers.TransferEncodingChunked != true)
            {
                // Reading ContentLength computes it and adds the header (a StringContent's byte count).
                var length = content.Headers.ContentLength;
                // HTTP/1.1 needs a length or chunked encoding; TestHost marked such a request chunked.
                if (length is null && message.Version == HttpVersion.Version11) request.Headers.TransferEncoding = "chunked";
                else if (length == 0) hasBody = false;
            }
            // NonValidated: the header texts as the client set them; the validated view parses each into typed values first.
            foreach (var (name, values) in content.Headers.NonValidated) request.Headers.Append(name, Values(values));
        }
        foreach (var (name, values) in message.Headers.NonValidated)
            // HttpRequestHeaders may keep User-Agent as several products; on the wire it is one space-separated value.
            request.Headers.Append(name, name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase) ? string.Join(' ', values) : Values(values));

        if (!request.Host.HasValue)
        {
            var host = HostString.FromUriComponent(uri);
            request.Host = uri.IsDefaultPort ? new HostString(host.Host) : host;
        }
        var path = PathString.FromUriComponent(uri);
        if (pathBase.HasValue && path.StartsWithSegments(pathBase, out var rest))
        {
            request.PathBase = pathBase;
            request.Path = rest;
        }
        else request.Path = path;
        request.QueryString = QueryString.FromUriComponent(uri);
        return hasBody;
    }

    private static Microsoft.Extensions.Primitives.StringValues Values(System.Net.Http.Headers.HeaderStringValues values)
    {
        if (values.Count == 1)
            foreach (var value in values) return value;
        var all = new string[values.Count];
        var i = 0;
        foreach (var value in values) all[i++] = value;
        return all;
    }
}
