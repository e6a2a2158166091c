package dev.hubsim.amqp;

import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.auth.Claim;
import dev.hubsim.auth.SaslUserName;
import dev.hubsim.auth.TokenVerdict;
import dev.hubsim.registry.Permission;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPConnectionCallback;
import org.apache.activemq.artemis.protocol.amqp.broker.ProtonProtocolManager;
import org.apache.activemq.artemis.protocol.amqp.sasl.AnonymousServerSASL;
import org.apache.activemq.artemis.protocol.amqp.sasl.PlainSASLResult;
import org.apache.activemq.artemis.protocol.amqp.sasl.SASLResult;
import org.apache.activemq.artemis.protocol.amqp.sasl.ServerSASL;
import org.apache.activemq.artemis.protocol.amqp.sasl.ServerSASLPlain;
import org.apache.activemq.artemis.spi.core.remoting.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;

/**
 * Offers the hub's SASL mechanisms (reference/iothub-amqp.md §2.2): PLAIN with a SAS token as password, ANONYMOUS and
 * MSSBCBS (both followed by CBS).
 */
final class HubConnectionCallback extends AMQPConnectionCallback {
    private static final Logger LOG = LoggerFactory.getLogger(HubConnectionCallback.class);

    static final String MSSBCBS = "MSSBCBS";
    private static final String[] MECHANISMS = {ServerSASLPlain.NAME, AnonymousServerSASL.NAME, MSSBCBS};

    private final HubContext hub;

    HubConnectionCallback(ProtonProtocolManager manager, Connection connection, Executor executor, ActiveMQServer server, HubContext hub) {
        super(manager, connection, executor, server);
        this.hub = hub;
    }

    @Override
    public String[] getSaslMechanisms() {
        return MECHANISMS.clone();
    }

    @Override
    public ServerSASL getServerSASL(String mechanism) {
        return switch (mechanism) {
            case ServerSASLPlain.NAME -> new SasTokenPlain();
            case AnonymousServerSASL.NAME -> new AnonymousServerSASL();
            case MSSBCBS -> new CbsOnlySasl();
            default -> null;
        };
    }

    private HubConnectionContext context() {
        return (HubConnectionContext) getConnection();
    }

    /** PLAIN: the user name says who, the password is a SAS token proving it (reference/iothub-amqp.md §2.1). */
    private final class SasTokenPlain extends ServerSASLPlain {
        /** A PLAIN init without an initial response has no credentials (Artemis' own class would throw on it). */
        @Override
        public byte[] processSASL(byte[] bytes) {
            return super.processSASL(bytes == null ? new byte[0] : bytes);
        }

        @Override
        protected boolean authenticate(String user, String password) {
            String refusal = check(user, password);
            if (refusal != null) {
                LOG.info("SASL PLAIN refused for user '{}' from {}: {}", user, getTransportConnection().getRemoteAddress(), refusal);
                return false;
            }
            return true;
        }

        private String check(String user, String password) {
            SaslUserName name = SaslUserName.parse(user);
            if (name == null) {
                return "the user name is not in a hub form (" + SaslUserName.EXPECTED + ")";
            }
            if (!hub.hub().knownAsName(name.hubName())) {
                return "the user name names hub '" + name.hubName() + "', but this is hub '" + hub.hub().name() + "'";
            }
            TokenVerdict verdict = hub.tokens().validate(password, null, Claim.Method.SASL_PLAIN);
            if (verdict instanceof TokenVerdict.Refused refused) {
                return refused.description();
            }
            Claim claim = ((TokenVerdict.Granted) verdict).claim();
            if (name.policy()) {
                if (claim.kind() != Claim.Kind.POLICY || !claim.identity().equalsIgnoreCase(name.identity())) {
                    return "the user name names policy '" + name.identity() + "' but the token is signed by '" + claim.identity() + "'";
                }
            } else if (!claim.grants(Permission.DEVICE_CONNECT, plainResource(name), hub.clock().instant())) {
                return "the token (sr '" + claim.audience() + "') does not grant DeviceConnect for " + (name.moduleId() == null
                        ? "device '" + name.identity() + "'" : "module '" + name.identity() + "/" + name.moduleId() + "'");
            }
            context().saslAuthenticated(user);
            context().addClaim(claim);
            return null;
        }
    }

    /** What a PLAIN user name claims: {@code /devices/{id}}, or {@code /devices/{id}/modules/{mid}}. */
    private static dev.hubsim.auth.ResourceUri plainResource(SaslUserName name) {
        return name.moduleId() == null ? dev.hubsim.auth.ResourceUri.path("devices", name.identity())
                : dev.hubsim.auth.ResourceUri.path("devices", name.identity(), "modules", name.moduleId());
    }

    /** MSSBCBS: the C SDK's way of saying "no SASL identity, CBS follows"; it behaves as ANONYMOUS. */
    private static final class CbsOnlySasl implements ServerSASL {
        @Override
        public String getName() {
            return MSSBCBS;
        }

        @Override
        public byte[] processSASL(byte[] bytes) {
            return null;
        }

        @Override
        public SASLResult result() {
            return new PlainSASLResult(true, null, null);
        }

        @Override
        public void done() {
        }
    }
}
