package dev.hubsim.amqp;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.protocol.amqp.broker.ActiveMQProtonRemotingConnection;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;

import javax.security.auth.Subject;
import java.util.Set;

/**
 * Artemis' view of hub security. The hub decides per link from the connection's claims (see
 * {@link HubConnectionContext}); here Artemis only learns that a connection is a hub connection, whose SASL step
 * already checked any PLAIN token, and that hub connections may use the hub's internal addresses and nothing else.
 */
final class HubSecurityManager implements ActiveMQSecurityManager5 {
    static final String ANONYMOUS = "$anonymous";

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        if (!(connection instanceof ActiveMQProtonRemotingConnection amqp)
                || !(amqp.getAmqpConnection() instanceof HubConnectionContext hubConnection)) {
            return null;
        }
        if (user == null) {
            return subject(ANONYMOUS);
        }
        return user.equals(hubConnection.saslUser()) ? subject(user) : null;
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        return subject != null && BrokerAddresses.isInternal(address);
    }

    @Override
    public boolean validateUser(String user, String password) {
        return false;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return false;
    }

    private static Subject subject(String name) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(name));
        return subject;
    }
}
