package dev.hubsim.c2d;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** One device's messages: those waiting in sequence order, and those locked by a delivery. */
final class DeviceQueue {
    final TreeMap<Long, StoredMessage> available = new TreeMap<>();
    final Map<UUID, StoredMessage> locked = new HashMap<>();

    int depth() {
        return available.size() + locked.size();
    }

    List<StoredMessage> drain() {
        List<StoredMessage> all = new ArrayList<>(available.values());
        all.addAll(locked.values());
        available.clear();
        locked.clear();
        return all;
    }
}
